import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// "Importer la vCard": one file of any number of cards into groups the actor may write, in one
/// transaction, with a report. A card the rules refuse (a DECT limit, say) is left out and reported;
/// the other cards are imported. A file without any vCard changes nothing.
struct ContactImportService {
    let db: any Database
    let photoRules: PhotoRules
    /// The database the import's transaction runs on, when not `db` (`Application.importDatabase`), as for CSV.
    var importDB: (any Database)? = nil

    struct Report: Sendable {
        struct Imported: Sendable {
            /// Line of the card's `BEGIN:VCARD`.
            let line: Int
            let contactID: UUID
            let displayName: String
            let notices: [Notice]
        }

        struct Refused: Sendable {
            let line: Int
            let displayName: String
            let reason: SwitchboardError
        }

        var imported: [Imported] = []
        var refused: [Refused] = []
        /// What is wrong with the file itself, from the reader (line numbers, in file order).
        var problems: [VCardProblem] = []
        var groups: [ContactGroupModel] = []
    }

    /// What happened to a card's content on its way in.
    enum Notice: Sendable, Equatable {
        case card(VCardNotice)
        /// The card's photo is not a PNG or JPEG within the photo limits; the contact has none.
        case photoNotKept(PhotoRules.Violation)
        /// Another contact has this speed-dial code: it went to the notes.
        case shortCodeTaken(String)
        /// Longer than `ContactTextLimits` allows: cut to the limit (the field, as the API names it).
        case cut(ContactTextLimits.Field)
    }

    /// Imports every card of `data` into `groupIDs` (see `targets(_:by:)` when none is named).
    ///
    /// The file is read, checked and written a batch of cards at a time (`VCardReader.batches`), and the two overlap
    /// as in a CSV import: while one batch is written (SQLite works on its own thread), the next is read, checked and
    /// made into statements on Dispatch's threads (a large file kept an event loop busy, and the requests it serves
    /// waited). Memory holds the file and two batches, never every card.
    func importVCards(_ data: Data, into groupIDs: [UUID], by actor: Actor) async throws -> Report {
        let start = ContinuousClock.now
        let report = try await importCards(data, into: groupIDs, by: actor)
        SwitchboardMetrics.current?.imported(
            format: "vcard", outcomes: ["created": report.imported.count, "failed": report.refused.count],
            elapsed: ContinuousClock.now - start)
        return report
    }

    private func importCards(_ data: Data, into groupIDs: [UUID], by actor: Actor) async throws -> Report {
        defer { FreedMemory.giveBack() }
        let targets = try await targets(groupIDs, by: actor)
        // The file's character set, and whether it is a vCard at all, are worked out before the transaction: a file
        // that is not one never waits for the write lock.
        let start = try await Task(executorPreference: DispatchTaskExecutor.shared) {
            let reading = Reading(
                batches: VCardReader.batches(data),
                dectLimits: targets.compactMap { group in group.dectLimits.map { (group.id!, $0) } },
                dectCounts: Dictionary(uniqueKeysWithValues: targets.map { ($0.id!, $0.memberCount) }))
            // A line that surely begins a card makes it a vCard file; without one, the file read whole says (nothing
            // but text outside cards: not one).
            if reading.batches.cardCount == 0 {
                let file = VCardReader.read(data)
                guard !file.cards.isEmpty || file.problems.contains(where: { $0.kind != .outsideCard }) else {
                    throw SwitchboardError.notVCard
                }
            }
            return reading
        }.value
        let stored = try await ContactModel.query(on: db).count()
        let reader = self
        return try await ContactBulkSchema.withBulkCache(on: importDB ?? db) { db in
            try await db.writeTransaction { db in
                var reading = start
                let cards = reading.batches.cardCount
                // The speed-dial codes taken (a few hundred at most), read once: the batches are checked off the
                // database, which is busy with the writes.
                reading.takenCodes = Set(
                    try await ContactModel.query(on: db).filter(\.$shortCode != nil).all(\.$shortCode).compactMap { $0 }
                )
                var report = Report(groups: targets)
                try await ContactBulkSchema.withBulkSchema(on: db, if: cards >= 5_000 && cards >= stored / 2) {
                    triggersOff in
                    var ahead = reader.prepareNext(reading, on: db as! any SQLDatabase)
                    // A failed write stops the reading ahead (it only reads the file, never the database).
                    defer { ahead.cancel() }
                    while case (let next, let batch?) = try await ahead.value {
                        reading = next
                        ahead = reader.prepareNext(reading, on: db as! any SQLDatabase)
                        report.problems += batch.problems
                        report.refused += batch.refused
                        report.imported += try await Self.write(batch, to: targets, triggersOff: triggersOff, on: db)
                    }
                }
                let names = targets.map(\.name).sorted().joined(separator: ", ")
                try await AuditService(db: db).record(
                    .contactsImported, by: actor, target: names.isEmpty ? nil : names,
                    detail:
                        "format=vcard created=\(report.imported.count) refused=\(report.refused.count) problems=\(report.problems.count)"
                )
                return report
            }
        }
    }

    /// What carries from one batch of the file to the next while it is read.
    private struct Reading: Sendable {
        var batches: VCardFileBatches
        /// Speed-dial codes stored, or given to an earlier card of the file.
        var takenCodes: Set<String> = []
        /// The target groups with DECT limits, read once: the group models belong to the writes.
        let dectLimits: [(group: UUID, limits: DECTLimits)]
        var dectCounts: [UUID: Int]
        var ids = OrderedIDs()
    }

    /// A batch of the file read and checked, its rows and statements built: what its writes need.
    private struct PreparedBatch: Sendable {
        var accepted: [Accepted]
        var rows: [(id: UUID, row: ContactBulkInsert.Row)]
        var statements: [BulkStatement]
        var refused: [Report.Refused]
        var problems: [VCardProblem]
    }

    /// Reads, checks and builds the next batch after `reading` on Dispatch's threads; `nil` at the end of the file.
    private func prepareNext(_ reading: Reading, on sql: any SQLDatabase)
        -> Task<(Reading, PreparedBatch?), any Error>
    {
        Task(executorPreference: DispatchTaskExecutor.shared) {
            var reading = reading
            guard let file = reading.batches.next() else { return (reading, nil) }
            var refused: [Report.Refused] = []
            let accepted = try prepare(file.cards, reading: &reading, refused: &refused)
            let rows = accepted.map { (id: reading.ids.next(), row: ContactBulkInsert.Row($0.contact)) }
            let batch = PreparedBatch(
                accepted: accepted, rows: rows, statements: ContactBulkInsert.statements(rows, on: sql),
                refused: refused, problems: file.problems)
            return (reading, batch)
        }
    }

    /// A batch's contacts, memberships and photos, as a CSV import writes its rows: multi-row INSERTs built without
    /// Fluent's models (`ContactBulkInsert`), ids in increasing order; with the insert triggers off (a file as large
    /// as half the address books, `ContactBulkSchema`) the batch's name words and number keys fanned out here.
    private static func write(
        _ batch: PreparedBatch, to targets: [ContactGroupModel], triggersOff: Bool, on db: any Database
    ) async throws -> [Report.Imported] {
        let sql = db as! any SQLDatabase
        let last = triggersOff && !batch.statements.isEmpty ? try await ContactBulkInsert.lastRowID(on: sql) : nil
        for statement in batch.statements { try await statement.run(on: sql) }
        if let last { try await ContactBulkInsert.fanOut(after: last, on: sql) }
        try await ContactService.addNew(
            batch.rows.map {
                (contactID: $0.id, displayName: $0.row.columns.displayName, sortKey: $0.row.columns.sortKey)
            }, to: targets, on: db)
        let photos = zip(batch.accepted, batch.rows).compactMap { card, row in
            card.photo.map { photo in
                ContactPhotoModel(
                    contactID: row.id, mediaType: photo.format.mediaType, data: photo.data,
                    width: photo.width, height: photo.height)
            }
        }
        if !photos.isEmpty { try await photos.create(on: db) }
        return zip(batch.accepted, batch.rows).map { card, row in
            .init(line: card.line, contactID: row.id, displayName: row.row.columns.displayName, notices: card.notices)
        }
    }

    /// The groups cards go to: each one the actor can write. None means no group for those who keep the
    /// address books, and the standard group for a subscriber.
    func targets(_ groupIDs: [UUID], by actor: Actor) async throws -> [ContactGroupModel] {
        let contacts = ContactService(db: db)
        let access = try await contacts.access(for: actor)
        let ids = Set(groupIDs)
        let groups = try await ContactGroupModel.query(on: db).filter(\.$id ~~ ids).sort(\.$name).all()
        guard groups.count == ids.count, groups.allSatisfy({ access.canRead(group: $0.id!) }) else {
            throw SwitchboardError.notFound
        }
        if groups.isEmpty, !access.keepsAddressBooks {
            guard let standard = try await contacts.standardGroup(of: actor) else { throw SwitchboardError.forbidden }
            return try await self.targets([standard.requireID()], by: actor)
        }
        for group in groups { try SwitchboardError.require(access.writing(group: group.ref)) }
        return groups
    }

    /// A subscriber without a standard group must name the groups; those keeping the books may import into none.
    func needsGroup(_ actor: Actor) async throws -> Bool {
        let contacts = ContactService(db: db)
        guard try await !contacts.access(for: actor).keepsAddressBooks else { return false }
        return try await contacts.standardGroup(of: actor) == nil
    }

    /// Anyone who can write a group, or keeps the address books, may import.
    func canImport(_ actor: Actor) async throws -> Bool {
        try await ContactService(db: db).canAddContacts(actor)
    }

    private struct Accepted: Sendable {
        let line: Int
        let contact: Contact
        var notices: [Notice]
        var photo: (data: Data, format: PhotoRules.ImageFormat, width: Int, height: Int)?
    }

    /// The cards of a batch that can be stored, as they will be; the others go to `refused`.
    private func prepare(
        _ cards: [VCardCard], reading: inout Reading,
        refused: inout [Report.Refused]
    ) throws -> [Accepted] {
        var accepted: [Accepted] = []
        for card in cards {
            let importable = VCardImportRules.importable(card)
            var contact = importable.contact
            var notices = importable.notices.map(Notice.card)
            if let code = contact.shortCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                if reading.takenCodes.contains(code) {
                    contact.shortCode = nil
                    ImportSalvage.keepInNotes(&contact, property: ImportSalvage.shortCodeProperty, value: code)
                    notices.append(.shortCodeTaken(code))
                } else {
                    reading.takenCodes.insert(code)
                }
            }
            notices += ContactTextLimits.cutToLimits(&contact).map(Notice.cut)
            let name = contact.resolvedDisplayName ?? ""
            do {
                contact = try rule { try ContactRules.normalized(contact) }
                for (group, limits) in reading.dectLimits {
                    try rule { try limits.check(adding: [name], to: reading.dectCounts[group] ?? 0) }
                }
            } catch let error as SwitchboardError {
                refused.append(.init(line: card.line, displayName: name, reason: error))
                continue
            }
            for (group, _) in reading.dectLimits { reading.dectCounts[group, default: 0] += 1 }
            var entry = Accepted(line: card.line, contact: contact, notices: notices)
            if let data = card.photo {
                do {
                    let image = try rule { try photoRules.checkImage(data) }
                    entry.photo = (data, image.format, image.width, image.height)
                } catch SwitchboardError.photo(let violation) {
                    entry.notices.append(.photoNotKept(violation))
                }
            }
            accepted.append(entry)
        }
        return accepted
    }
}
