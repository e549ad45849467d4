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
    func importVCards(_ data: Data, into groupIDs: [UUID], by actor: Actor) async throws -> Report {
        let targets = try await targets(groupIDs, by: actor)
        // Reading and checking the cards is work for Dispatch's threads, not an event loop (a large file kept one
        // busy, and the requests it serves waited).
        let (accepted, checked) = try await withTaskExecutorPreference(DispatchTaskExecutor.shared) {
            let file = VCardReader.read(data)
            guard !file.cards.isEmpty || file.problems.contains(where: { $0.kind != .outsideCard }) else {
                throw SwitchboardError.notVCard
            }
            var report = Report(problems: file.problems, groups: targets)
            let accepted = try await prepare(file.cards, for: targets, report: &report)
            return (accepted, report)
        }
        var report = checked
        let refused = report.refused.count
        let problems = report.problems.count
        let stored = try await ContactModel.query(on: db).count()
        report.imported = try await ContactBulkSchema.withBulkCache(on: importDB ?? db) { [accepted, targets] db in
            try await db.writeTransaction { db in
                try await Self.write(
                    accepted, to: targets, stored: stored, on: db,
                    audit: { db, imported in
                        let names = targets.map(\.name).sorted().joined(separator: ", ")
                        try await AuditService(db: db).record(
                            .contactsImported, by: actor, target: names.isEmpty ? nil : names,
                            detail: "format=vcard created=\(imported) refused=\(refused) problems=\(problems)")
                    })
            }
        }
        return report
    }

    /// The cards' contacts, memberships and photos, as a CSV import writes its rows: multi-row INSERTs built without
    /// Fluent's models (`ContactBulkInsert`), ids in increasing order, and for a file as large as half the address
    /// books the list's indexes built once at the end (`ContactBulkSchema`).
    private static func write(
        _ accepted: [Accepted], to targets: [ContactGroupModel], stored: Int, on db: any Database,
        audit: (any Database, Int) async throws -> Void
    ) async throws -> [Report.Imported] {
        let sql = db as! any SQLDatabase
        var ids = OrderedIDs()
        var imported: [Report.Imported] = []
        imported.reserveCapacity(accepted.count)
        let large = accepted.count >= 5_000 && accepted.count >= stored / 2
        let chunks = accepted.chunked(by: 500).map { chunk in chunk.map { (id: ids.next(), accepted: $0) } }
        // A chunk's rows and statements are built on another thread while the one before is written (SQLite writes on
        // its own thread): the two cores share an import, as they share a CSV import.
        @Sendable func built(_ index: Int) -> Task<([(id: UUID, row: ContactBulkInsert.Row)], [BulkStatement]), Never> {
            Task.detached {
                let rows = chunks[index].map { (id: $0.id, row: ContactBulkInsert.Row($0.accepted.contact)) }
                return (rows, ContactBulkInsert.statements(rows, on: sql))
            }
        }
        try await ContactBulkSchema.withBulkSchema(on: db, if: large) { triggersOff in
            var ahead = chunks.isEmpty ? nil : built(0)
            for index in chunks.indices {
                guard let (rows, statements) = await ahead?.value else { break }
                ahead = index + 1 < chunks.count ? built(index + 1) : nil
                let chunk = chunks[index].map(\.accepted)
                let last = triggersOff ? try await ContactBulkInsert.lastRowID(on: sql) : nil
                for statement in statements { try await statement.run(on: sql) }
                if let last { try await ContactBulkInsert.fanOut(after: last, on: sql) }
                try await ContactService.addNew(
                    rows.map {
                        (contactID: $0.id, displayName: $0.row.columns.displayName, sortKey: $0.row.columns.sortKey)
                    }, to: targets, on: db)
                let photos = zip(chunk, rows).compactMap { card, row in
                    card.photo.map { photo in
                        ContactPhotoModel(
                            contactID: row.id, mediaType: photo.format.mediaType, data: photo.data,
                            width: photo.width, height: photo.height)
                    }
                }
                if !photos.isEmpty { try await photos.create(on: db) }
                imported += zip(chunk, rows).map { card, row in
                    .init(
                        line: card.line, contactID: row.id, displayName: row.row.columns.displayName,
                        notices: card.notices)
                }
            }
        }
        try await audit(db, imported.count)
        return imported
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
        let access = try await ContactService(db: db).access(for: actor)
        if access.keepsAddressBooks { return true }
        let writable = access.rights.filter { $0.value == .write }.map(\.key)
        guard !writable.isEmpty else { return false }
        return try await ContactGroupModel.query(on: db).filter(\.$id ~~ writable).filter(\.$kind != .linked).count()
            > 0
    }

    private struct Accepted: Sendable {
        let line: Int
        let contact: Contact
        var notices: [Notice]
        var photo: (data: Data, format: PhotoRules.ImageFormat, width: Int, height: Int)?
    }

    /// The cards that can be stored, as they will be; the others go to `report.refused`.
    private func prepare(_ cards: [VCardCard], for targets: [ContactGroupModel], report: inout Report) async throws
        -> [Accepted]
    {
        let codes = Set(cards.compactMap { $0.contact.shortCode?.trimmingCharacters(in: .whitespaces) })
        var takenCodes = Set<String>()
        for chunk in Array(codes).chunked(by: 500) {
            takenCodes.formUnion(
                try await ContactModel.query(on: db).filter(\.$shortCode ~~ chunk).all(\.$shortCode).compactMap { $0 })
        }
        var dectCounts = Dictionary(uniqueKeysWithValues: targets.map { ($0.id!, $0.memberCount) })
        var accepted: [Accepted] = []
        for card in cards {
            let importable = VCardImportRules.importable(card)
            var contact = importable.contact
            var notices = importable.notices.map(Notice.card)
            if let code = contact.shortCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                if takenCodes.contains(code) {
                    contact.shortCode = nil
                    ImportSalvage.keepInNotes(&contact, property: ImportSalvage.shortCodeProperty, value: code)
                    notices.append(.shortCodeTaken(code))
                } else {
                    takenCodes.insert(code)
                }
            }
            notices += ContactTextLimits.cutToLimits(&contact).map(Notice.cut)
            let name = contact.resolvedDisplayName ?? ""
            do {
                contact = try rule { try ContactRules.normalized(contact) }
                for group in targets {
                    guard let limits = group.dectLimits else { continue }
                    try rule { try limits.check(adding: [name], to: dectCounts[group.id!] ?? 0) }
                }
            } catch let error as SwitchboardError {
                report.refused.append(.init(line: card.line, displayName: name, reason: error))
                continue
            }
            for group in targets where group.dectLimits != nil { dectCounts[group.id!, default: 0] += 1 }
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
