import Fluent
import Foundation
import SwitchboardCore

/// "Exporter le CSV": a group, an initial letter or all contacts the actor may read, in Switchboard's own
/// format (UTF-8 with BOM so spreadsheets read the accents, `;` or `,`), cells neutralised against formulas.
struct CSVExportService {
    let db: any Database

    enum Scope: Sendable, Equatable {
        case all
        case group(UUID)
        case letter(String)
    }

    struct Export: Sendable {
        let ids: [UUID]
        /// The file's name without extension.
        let name: String
        let audited: String
    }

    /// The contacts of `scope` the actor may read, in display order; audited (who, scope, count, delimiter).
    func prepare(_ scope: Scope, delimiter: CSVDelimiter, by actor: Actor) async throws -> Export {
        let exports = ContactExportService(db: db)
        let export: Export
        switch scope {
        case .all:
            export = Export(ids: try await exports.contactIDs(in: .all, by: actor), name: "contacts", audited: "all")
        case .group(let id):
            let group = try await ContactGroupService(db: db).group(id, by: actor)
            export = Export(
                ids: try await exports.contactIDs(in: .group(id), by: actor), name: group.name,
                audited: "group=\(group.name)")
        case .letter(let letter):
            guard SearchFolding.tabs.contains(letter) else { throw SwitchboardError.badRequest }
            export = Export(
                ids: try await exports.contactIDs(in: .all, tab: letter, by: actor),
                name: "contacts \(letter == "#" ? "other" : letter)", audited: "letter=\(letter)")
        }
        try await AuditService(db: db).record(
            .contactsExported, by: actor, target: export.audited,
            detail: "format=csv delimiter=\(delimiter.name) count=\(export.ids.count)")
        return export
    }

    func batches(of ids: [UUID], delimiter: CSVDelimiter) -> CSVBatches {
        CSVBatches(ids: ids, delimiter: delimiter, db: db)
    }

    /// The whole file at once (for the command line and tests).
    func file(of ids: [UUID], delimiter: CSVDelimiter) async throws -> Data {
        var data = Data()
        for try await batch in batches(of: ids, delimiter: delimiter) { data.append(contentsOf: batch) }
        return data
    }
}

/// The CSV file of a list of contacts, one batch (UTF-8) per step: BOM and header first, then 500 rows at a
/// time as the consumer asks, so that a large export never sits in memory whole.
struct CSVBatches: AsyncSequence, Sendable {
    typealias Element = [UInt8]

    let ids: [UUID]
    let delimiter: CSVDelimiter
    let db: any Database
    static let batchSize = 500

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<UUID>
        let delimiter: CSVDelimiter
        let db: any Database
        var headerWritten = false

        mutating func next() async throws -> [UInt8]? {
            if !headerWritten {
                headerWritten = true
                return [0xEF, 0xBB, 0xBF] + Array(CSVWriter.record(SwitchboardCSV.header, delimiter: delimiter).utf8)
            }
            guard !remaining.isEmpty else { return nil }
            let batch = Array(remaining.prefix(CSVBatches.batchSize))
            remaining = remaining.dropFirst(CSVBatches.batchSize)
            let contacts = try await ContactModel.query(on: db).filter(\.$id ~~ batch).all()
            let byID = Dictionary(uniqueKeysWithValues: contacts.map { ($0.id!, $0) })
            var text = ""
            for id in batch {
                guard let contact = byID[id] else { continue }
                let cells = SwitchboardCSV.row(for: contact.toDomain()).map(CSVWriter.neutralised)
                text += CSVWriter.record(cells, delimiter: delimiter)
            }
            return Array(text.utf8)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(remaining: ids[...], delimiter: delimiter, db: db)
    }
}
