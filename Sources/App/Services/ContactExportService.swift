import Fluent
import Foundation
import SwitchboardCore

/// "Exporter une vCard" for many contacts: a group, all contacts, those without group, or a selection,
/// as one file of vCards in display order. Only contacts the actor may read, and every export is audited.
struct ContactExportService {
    let db: any Database
    /// Read with SQLite's own API when set (`SQLiteFileReader`, `ContactFlatColumns`), as the CSV export reads.
    var sqliteFile: String? = nil

    /// A scope of the list, with the name its file takes and how the audit log names it.
    struct NamedScope {
        let scope: ContactSearch.Scope
        let name: String
        let audited: String
    }

    /// The ids to export of a scope (all contacts, those without group, or a group the actor may read) in display
    /// order, and the name its file takes; the export is audited before anything is sent.
    func exportScope(group: UUID?, withoutGroup: Bool, version: VCardVersion, by actor: Actor) async throws
        -> (ids: [UUID], name: String)
    {
        let scope = try await scope(group: group, withoutGroup: withoutGroup, by: actor)
        let ids = try await contactIDs(in: scope.scope, by: actor)
        try await audit(count: ids.count, scope: scope.audited, version: version, by: actor)
        return (ids, scope.name)
    }

    /// The ids of a selection to export, in display order (see `contactIDs(selected:by:)`); audited.
    func exportSelection(_ ids: [UUID], version: VCardVersion, by actor: Actor) async throws -> [UUID] {
        let ordered = try await contactIDs(selected: ids, by: actor)
        try await audit(count: ordered.count, scope: "selection", version: version, by: actor)
        return ordered
    }

    /// All contacts, those without group, or a group's (which the actor must be able to read).
    private func scope(group: UUID?, withoutGroup: Bool, by actor: Actor) async throws -> NamedScope {
        switch (group, withoutGroup) {
        case (nil, false): return NamedScope(scope: .all, name: "contacts", audited: "all")
        case (nil, true):
            return NamedScope(scope: .withoutGroup, name: "contacts without group", audited: "without_group")
        case (let id?, false):
            let group = try await ContactGroupService(db: db).group(id, by: actor)
            return NamedScope(scope: .group(id), name: group.name, audited: "group=\(group.name)")
        case (_?, true): throw SwitchboardError.filtersConflict
        }
    }

    /// Ids of the contacts of `scope` the actor may read, in display order. A group the actor cannot
    /// read, and "without group" for a subscriber, are not found.
    func contactIDs(in scope: ContactSearch.Scope, tab: String? = nil, by actor: Actor) async throws -> [UUID] {
        let access = try await ContactService(db: db).access(for: actor)
        switch scope {
        case .group(let id): _ = try await ContactGroupService(db: db).group(id, by: actor)
        case .withoutGroup: guard access.seesContactsWithoutGroup else { throw SwitchboardError.notFound }
        case .all: break
        }
        var search = ContactSearch(scope: scope, tab: tab)
        search.limit = 5_000
        var ids: [UUID] = []
        repeat {
            // The keyset query with only the ids: the list's page (summaries, lists decoded) cost half an export.
            let (rows, next) = try await search.rows(on: db, access: access, columns: "1 AS one")
            ids += try rows.map { try $0.decode(column: "k_id", as: UUID.self) }
            search.after = next
        } while search.after != nil
        return ids
    }

    /// A selection in display order. One contact the actor cannot read makes the whole selection
    /// "not found", as deleting it would.
    func contactIDs(selected ids: [UUID], by actor: Actor) async throws -> [UUID] {
        let access = try await ContactService(db: db).access(for: actor)
        let wanted = Array(Set(ids))
        var found: [(sortKey: String, id: UUID)] = []
        for chunk in wanted.chunked(by: 500) {
            let contacts = try await ContactModel.query(on: db).filter(\.$id ~~ Array(chunk)).field(\.$id)
                .field(\.$sortKey).all()
            let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id ~~ Array(chunk))
                .with(\.$group).all()
            for contact in contacts {
                let groups = memberships.filter { $0.$contact.id == contact.id }.map(\.group.ref)
                guard access.canRead(contactIn: groups) else { throw SwitchboardError.notFound }
                found.append((contact.sortKey, contact.id!))
            }
        }
        guard found.count == wanted.count else { throw SwitchboardError.notFound }
        return found.sorted { ($0.sortKey, $0.id.uuidString) < ($1.sortKey, $1.id.uuidString) }.map(\.id)
    }

    /// Records who exported how many contacts of which scope (`scope` is for people: "group=Sales").
    private func audit(count: Int, scope: String, version: VCardVersion, by actor: Actor) async throws {
        try await AuditService(db: db).record(
            .contactsExported, by: actor, target: scope,
            detail: "format=vcard version=\(version.rawValue) count=\(count)")
    }

    /// Each contact's vCard with its photo, in the order of `ids`, read a batch at a time as the
    /// consumer asks for more, so that a large export never sits in memory whole.
    func vCards(of ids: [UUID], version: VCardVersion) -> VCardBatches {
        VCardBatches(ids: ids, version: version, db: db, sqliteFile: sqliteFile)
    }

    /// One contact's vCard, with its photo.
    func vCard(of contactID: UUID, version: VCardVersion, by actor: Actor) async throws
        -> (text: String, displayName: String)
    {
        let contacts = ContactService(db: db)
        let (contact, _) = try await contacts.contact(contactID, by: actor)
        let photo = try await contacts.photo(of: contactID, by: actor)
        return (VCardWriter.write(contact.toDomain(), photo: photo?.data, version: version), contact.displayName)
    }
}

/// The vCards of a list of contacts, one batch (as UTF-8) per step. A contact deleted meanwhile is left out. The next
/// batches are read (from the SQLite file on NIO's thread pool, two at once, or by the database, one) while the current
/// one is written, so that reading and writing share the cores.
struct VCardBatches: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    let ids: [UUID]
    let version: VCardVersion
    let db: any Database
    var sqliteFile: String? = nil
    var meter = ExportMeter(format: "vcard")
    static let batchSize = 500

    /// A batch's contacts and photos, by id.
    struct Batch: Sendable {
        let ids: ArraySlice<UUID>
        let contacts: [UUID: Contact]
        let photos: [UUID: Data]
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<UUID>
        let version: VCardVersion
        let db: any Database
        /// Two read-only connections to the SQLite file, used by turns: reading is most of an export, and two batches
        /// are read at once while a third is written. Empty: read through the database, one batch ahead.
        let readers: [SQLiteFileReader]
        var ahead: [Task<Batch, any Error>] = []
        var started = 0
        var meter: ExportMeter

        mutating func next() async throws -> ArraySlice<UInt8>? {
            while ahead.count < Swift.max(1, readers.count), let reading = read() { ahead.append(reading) }
            guard !ahead.isEmpty else {
                meter.finished()
                return nil
            }
            let batch = try await ahead.removeFirst().value
            meter.batch(batch.contacts.count)
            // The reader of the batch just read is free again.
            if let reading = read() { ahead.append(reading) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(batch.contacts.count * 400)
            for id in batch.ids {
                guard let contact = batch.contacts[id] else { continue }
                VCardWriter.append(contact, photo: batch.photos[id], version: version, to: &bytes)
            }
            return bytes[...]
        }

        /// Starts reading the next batch (by the next reader in turn); `nil` after the last one.
        private mutating func read() -> Task<Batch, any Error>? {
            guard !remaining.isEmpty else { return nil }
            let ids = remaining.prefix(VCardBatches.batchSize)
            remaining = remaining.dropFirst(VCardBatches.batchSize)
            let reader = readers.isEmpty ? nil : readers[started % readers.count]
            started += 1
            return Task { [db] in
                // Raw rows rather than models: decoding a Fluent model per contact was most of an export's time.
                let contacts =
                    if let reader { try await ContactStore.contacts(Array(ids), reader: reader, on: db) } else {
                        try await ContactStore.contacts(Array(ids), on: db)
                    }
                let photos = try await ContactStore.photos(of: Array(ids), reader: reader, on: db)
                return Batch(ids: ids, contacts: contacts, photos: photos)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        // A file that cannot be opened read-only (it always should be) is read through the database instead.
        let readers = sqliteFile.map { file in (0..<2).compactMap { _ in try? SQLiteFileReader(path: file) } } ?? []
        return AsyncIterator(remaining: ids[...], version: version, db: db, readers: readers, meter: meter)
    }
}

extension VCardVersion {
    /// The version a request asks for (`?version=`, a form's or the API's `version`): 2.1 unless `3.0` or `4.0`.
    static func requested(_ raw: String?) throws(SwitchboardError) -> VCardVersion {
        guard let raw, !raw.isEmpty else { return .v21 }
        guard let version = VCardVersion(rawValue: raw) else { throw .badRequest }
        return version
    }
}
