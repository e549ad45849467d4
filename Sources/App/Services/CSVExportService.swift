import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// "Exporter le CSV": a group, an initial letter or all contacts the actor may read, in Switchboard's own
/// format (UTF-8 with BOM so spreadsheets read the accents, `;` or `,`), cells neutralised against formulas.
struct CSVExportService {
    let db: any Database
    /// The SQLite database file, read directly for the rows of an export; `nil` on PostgreSQL and in memory.
    var sqliteFile: String? = nil

    enum Scope: Sendable, Equatable {
        case all
        case group(UUID)
        case letter(String)
    }

    struct Export: Sendable {
        /// Which contacts, in display order; read in keyset batches as the file is written.
        let search: ContactSearch
        let access: ContactAccess
        /// How many contacts the scope held when the export was audited.
        let count: Int
        /// The file's name without extension.
        let name: String
        let audited: String
    }

    /// The contacts of `scope` the actor may read, in display order; audited (who, scope, count, delimiter).
    func prepare(_ scope: Scope, delimiter: CSVDelimiter, by actor: Actor) async throws -> Export {
        let access = try await ContactService(db: db).access(for: actor)
        let search: ContactSearch
        let name: String
        let audited: String
        switch scope {
        case .all:
            (search, name, audited) = (ContactSearch(scope: .all), "contacts", "all")
        case .group(let id):
            // A group the actor cannot read is not found.
            let group = try await ContactGroupService(db: db).group(id, by: actor)
            (search, name, audited) = (ContactSearch(scope: .group(id)), group.name, "group=\(group.name)")
        case .letter(let letter):
            guard SearchFolding.tabs.contains(letter) else { throw SwitchboardError.badRequest }
            (search, name, audited) = (
                ContactSearch(scope: .all, tab: letter), "contacts \(letter == "#" ? "other" : letter)",
                "letter=\(letter)"
            )
        }
        let count = try await search.count(on: db, access: access)
        try await AuditService(db: db).record(
            .contactsExported, by: actor, target: audited,
            detail: "format=csv delimiter=\(delimiter.name) count=\(count)")
        return Export(search: search, access: access, count: count, name: name, audited: audited)
    }

    func batches(of export: Export, delimiter: CSVDelimiter) -> CSVBatches {
        CSVBatches(search: export.search, access: export.access, delimiter: delimiter, db: db, sqliteFile: sqliteFile)
    }

    /// The whole file at once (for tests).
    func file(of export: Export, delimiter: CSVDelimiter) async throws -> Data {
        var data = Data()
        for try await batch in batches(of: export, delimiter: delimiter) { data.append(contentsOf: batch) }
        return data
    }
}

/// The CSV file of a scope's contacts, one batch (UTF-8) per step: BOM and header first, then `batchSize` rows at
/// a time as the consumer asks, read with one raw keyset query each (no model per row) and written straight as
/// bytes, so that a large export never sits in memory whole and memory stays the same at any size.
struct CSVBatches: AsyncSequence, Sendable {
    typealias Element = [UInt8]

    let search: ContactSearch
    let access: ContactAccess
    let delimiter: CSVDelimiter
    let db: any Database
    /// Read with SQLite's own API when set (`SQLiteFileReader`, `ContactFlatColumns`).
    var sqliteFile: String? = nil
    var meter = ExportMeter(format: "csv")
    static let batchSize = 1_000

    /// Reads batch after batch; the next batch is read (on SQLite's side, or NIO's thread pool for a
    /// file) while the current one is written as CSV, so the two cores share an export.
    struct AsyncIterator: AsyncIteratorProtocol {
        let source: ContactBatches
        let delimiter: CSVDelimiter
        var ahead: ContactBatches.Reading?
        var headerWritten = false
        var done = false
        var meter: ExportMeter

        mutating func next() async throws -> [UInt8]? {
            if !headerWritten {
                headerWritten = true
                var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
                CSVWriter.append(SwitchboardCSV.header, delimiter: delimiter, to: &bytes)
                // The first batch is read while the header goes out.
                ahead = source.read(after: nil)
                return bytes
            }
            guard !done, let reading = ahead else {
                meter.finished()
                return nil
            }
            let batch = try await reading.batch()
            ahead = batch.next.map { source.read(after: $0) }
            done = batch.next == nil
            meter.batch(batch.contacts.count)
            guard !batch.contacts.isEmpty else {
                meter.finished()
                return nil
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(batch.contacts.count * 160)
            for contact in batch.contacts {
                CSVWriter.append(
                    SwitchboardCSV.row(for: contact).map(CSVWriter.neutralised), delimiter: delimiter, to: &bytes)
            }
            return bytes
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        var search = search
        search.limit = CSVBatches.batchSize
        search.after = nil
        // A file that cannot be opened read-only (it always should be) is read through Fluent instead.
        let reader = sqliteFile.flatMap { try? SQLiteFileReader(path: $0) }
        return AsyncIterator(
            source: ContactBatches(search: search, access: access, db: db, reader: reader), delimiter: delimiter,
            meter: meter)
    }
}
