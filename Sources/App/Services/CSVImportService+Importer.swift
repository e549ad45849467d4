import Fluent
import Foundation
import SQLKit
import SwitchboardCore

extension CSVImportService {
    /// Applies batches of checked rows inside the import's transaction. Every contact (those already stored and
    /// those this import creates) is indexed in memory once by what makes a duplicate — its fields' fingerprint,
    /// and each (folded name, dialled number) pair — so a row finds its duplicate in constant time however many
    /// contacts share a name; only the contacts a batch updates are read back from the database.
    ///
    /// The index is what an import's memory grows with, so it is kept small: keys are 64-bit hashes (like the
    /// fingerprint itself, two different keys share one once in billions of billions of pairs) and values positions
    /// in one array of ids — about 60 bytes a contact, where strings and ids took about 250.
    ///
    /// Batches overlap: while one batch's rows are written (SQLite works on its own thread, the statements are
    /// handed to it from an event loop), the next batch is checked and decided on another thread. At most one batch
    /// is being written, writes happen in file order, and a batch that reads stored contacts waits for the write
    /// before it, so it reads what the earlier rows made of them.
    struct Importer {
        static let batchSize = 500

        let db: any Database
        let targets: [ContactGroupModel]
        /// `nil` for a phone-book v1 file: an identical contact is overwritten, every other row is created.
        let duplicates: DuplicateRule?
        /// How many contacts were stored when the import started.
        var storedCount = 0
        /// Every contact indexed, by position: the values of the two dictionaries below.
        var indexed: [UUID] = []
        var byFingerprint: [Int: Int32] = [:]
        var byNameAndNumber: [Int: Int32] = [:]
        var takenCodes: Set<String> = []
        var dectCounts: [UUID: Int] = [:]
        /// The target groups with DECT limits, read once: the group models belong to the writes.
        var dectLimits: [(group: UUID, limits: DECTLimits)] = []
        /// The ids of the contacts the import creates, in increasing order.
        var ids = OrderedIDs()
        /// Whether the batches fan their new contacts' name words and number keys out (the insert triggers are off).
        var fansOut = false

        /// What one batch writes, in one task.
        struct Writes: Sendable {
            /// The INSERTs of the contacts the batch creates, serialised while the previous batch was written.
            var inserts: [BulkStatement] = []
            var created: [(contactID: UUID, displayName: String, sortKey: String)] = []
            var updated: [ContactModel] = []
            var fansOut = false
        }

        static func start(on db: any Database, targets: [ContactGroupModel], duplicates: DuplicateRule?) async throws
            -> Importer
        {
            var importer = Importer(db: db, targets: targets, duplicates: duplicates)
            try await ContactStore.forEach(on: db) { id, contact in
                importer.index(CSVDuplicateKey(contact), at: importer.add(id))
                importer.storedCount += 1
                if let code = contact.shortCode { importer.takenCodes.insert(code) }
            }
            importer.dectCounts = Dictionary(uniqueKeysWithValues: targets.map { ($0.id!, $0.memberCount) })
            importer.dectLimits = targets.compactMap { group in group.dectLimits.map { (group.id!, $0) } }
            return importer
        }

        /// Gives `id` a position in the index.
        private mutating func add(_ id: UUID) -> Int32 {
            indexed.append(id)
            return Int32(indexed.count - 1)
        }

        private mutating func index(_ key: CSVDuplicateKey, at position: Int32) {
            byFingerprint[key.fingerprint] = position
            for number in key.numbers { byNameAndNumber[Self.hash(key.name, number)] = position }
        }

        private static func hash(_ name: String, _ number: String) -> Int {
            var hasher = Hasher()
            hasher.combine(name)
            hasher.combine(number)
            return hasher.finalize()
        }

        /// The position of the contact `key` duplicates: identical fields, or (unless a phone-book v1 file) same name
        /// and number.
        private func match(_ key: CSVDuplicateKey) -> Int32? {
            if let position = byFingerprint[key.fingerprint] { return position }
            guard duplicates != nil else { return nil }
            for number in key.numbers.sorted() {
                if let position = byNameAndNumber[Self.hash(key.name, number)] { return position }
            }
            return nil
        }

        /// Decides what each row of `batch` becomes, reports it, and hands the batch's writes to `writing` once the
        /// previous batch's writes are done (an error of those is thrown here).
        mutating func run(
            _ batch: [CheckedRow], report: inout Report, writing: inout ThrowingTaskGroup<Void, any Error>
        ) async throws {
            guard !batch.isEmpty else { return }
            // The stored contacts this batch may update, read in one query — after the writes in flight, which
            // may have created or changed them.
            var models: [UUID: ContactModel] = [:]
            if duplicates != .skip && duplicates != .keep {
                let wanted = batch.compactMap { row -> UUID? in
                    guard case .success(let contact) = row.result else { return nil }
                    return match(CSVDuplicateKey(contact)).map { indexed[Int($0)] }
                }
                if !wanted.isEmpty { try await writing.waitForAll() }
                for chunk in Array(Set(wanted)).chunked(by: 500) {
                    for model in try await ContactModel.query(on: db).filter(\.$id ~~ chunk).all() {
                        models[model.id!] = model
                    }
                }
            }
            // Contacts this batch creates, in file order: inserted at the end of the batch in multi-row statements.
            // A later row of the batch may update one of them (a duplicate within the file).
            var created: [UUID] = []
            var pending: [UUID: Contact] = [:]
            var updated: [UUID: ContactModel] = [:]
            for row in batch {
                let contact: Contact
                switch row.result {
                case .failure(let error):
                    report.add(
                        .init(
                            line: row.line, outcome: .failed, displayName: row.displayName, contactID: nil,
                            reason: error))
                    continue
                case .success(let value): contact = value
                }
                let name = contact.resolvedDisplayName ?? ""
                let key = CSVDuplicateKey(contact)
                let position = match(key)
                let matched = position.map { indexed[Int($0)] }
                if let matched, duplicates == .skip {
                    report.add(
                        .init(line: row.line, outcome: .skipped, displayName: name, contactID: matched, reason: nil))
                    continue
                }
                let target = duplicates == .keep ? nil : matched.flatMap { models[$0] }
                let pendingTarget = duplicates == .keep ? nil : matched.flatMap { pending[$0] != nil ? $0 : nil }
                let targetCode = target?.shortCode ?? pendingTarget.flatMap { pending[$0]?.shortCode }
                if let code = contact.shortCode, takenCodes.contains(code), targetCode != code {
                    report.add(
                        .init(
                            line: row.line, outcome: .failed, displayName: name, contactID: nil, reason: .shortCodeTaken
                        ))
                    continue
                }
                if let target {
                    target.apply(duplicates == .update ? target.toDomain().merging(contact) : contact)
                    updated[target.id!] = target
                    index(CSVDuplicateKey(target.toDomain()), at: position!)
                    if let code = contact.shortCode { takenCodes.insert(code) }
                    report.add(
                        .init(
                            line: row.line, outcome: .updated, displayName: name, contactID: target.id, reason: nil,
                            kept: row.kept))
                    continue
                }
                if let id = pendingTarget, let current = pending[id] {
                    let merged = duplicates == .update ? current.merging(contact) : contact
                    pending[id] = merged
                    index(CSVDuplicateKey(merged), at: position!)
                    if let code = contact.shortCode { takenCodes.insert(code) }
                    report.add(
                        .init(
                            line: row.line, outcome: .updated, displayName: name, contactID: id, reason: nil,
                            kept: row.kept))
                    continue
                }
                do {
                    for (group, limits) in dectLimits {
                        try rule { try limits.check(adding: [name], to: dectCounts[group] ?? 0) }
                    }
                } catch let error as SwitchboardError {
                    report.add(
                        .init(line: row.line, outcome: .failed, displayName: name, contactID: nil, reason: error))
                    continue
                }
                for (group, _) in dectLimits { dectCounts[group, default: 0] += 1 }
                let id = ids.next()
                created.append(id)
                pending[id] = contact
                index(key, at: add(id))
                if let code = contact.shortCode { takenCodes.insert(code) }
                report.add(
                    .init(
                        line: row.line, outcome: .created, displayName: name, contactID: id, reason: nil, kept: row.kept
                    ))
            }
            let rows = created.map { (id: $0, row: ContactBulkInsert.Row(pending[$0]!)) }
            let writes = Writes(
                inserts: ContactBulkInsert.statements(rows, on: db as! any SQLDatabase),
                created: rows.map {
                    (contactID: $0.id, displayName: $0.row.columns.displayName, sortKey: $0.row.columns.sortKey)
                },
                updated: Array(updated.values), fansOut: fansOut)
            try await writing.waitForAll()
            // The writes run on the event loops (the global executor), not where the batches are decided.
            writing.addTask(executorPreference: globalConcurrentExecutor) { [db, targets] in
                try await Self.write(writes, to: targets, on: db)
            }
        }

        private static func write(_ writes: Writes, to targets: [ContactGroupModel], on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            // The rows this batch inserts come after the last one there is (SQLite gives a new row the next rowid).
            let last = writes.fansOut && !writes.inserts.isEmpty ? try await ContactBulkInsert.lastRowID(on: sql) : nil
            for statement in writes.inserts { try await statement.run(on: sql) }
            if let last { try await ContactBulkInsert.fanOut(after: last, on: sql) }
            for model in writes.updated { try await model.save(on: db) }
            try await ContactService.addNew(writes.created, to: targets, on: db)
            try await ContactService.add(writes.updated, to: targets, on: db)
        }
    }
}
