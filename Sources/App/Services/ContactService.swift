import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// The address books' use cases, for the web pages, the API and commands alike. Every read and
/// write asks `ContactAccess`; a subscriber never learns of a contact outside their groups
/// (such a contact is "not found", never "forbidden").
struct ContactService {
    let db: any Database

    /// The actor's access: rights per group for subscribers, everything for those keeping the books.
    func access(for actor: Actor) async throws -> ContactAccess {
        if AccessPolicy.allows(actor.role, .manageContactGroups) { return ContactAccess(role: actor.role) }
        let rows = try await GroupRightModel.query(on: db).filter(\.$user.$id == actor.user.requireID()).all()
        return ContactAccess(
            role: actor.role,
            rights: rows.reduce(into: [:]) { rights, row in
                rights[row.$group.id] = max(rights[row.$group.id] ?? .read, row.right)
            })
    }

    func search(_ search: ContactSearch, by actor: Actor) async throws -> ContactPage {
        try await search.run(on: db, access: access(for: actor))
    }

    /// A contact with its groups, if the actor may read it.
    func contact(_ id: UUID, by actor: Actor) async throws -> (contact: ContactModel, groups: [ContactGroupModel]) {
        let access = try await access(for: actor)
        guard let contact = try await ContactModel.find(id, on: db) else { throw SwitchboardError.notFound }
        let groups = try await groups(of: id)
        guard access.canRead(contactIn: groups.map(\.ref)) else { throw SwitchboardError.notFound }
        return (contact, groups)
    }

    /// Creates a contact in `groupIDs` (a subscriber's standard group when none is given).
    func create(_ input: Contact, in groupIDs: [UUID], by actor: Actor) async throws -> ContactModel {
        let access = try await access(for: actor)
        let named = try await ContactGroupModel.query(on: db).filter(\.$id ~~ groupIDs).all()
        // A group the actor may not read is as unknown as one that does not exist.
        guard named.count == Set(groupIDs).count, named.allSatisfy({ access.canRead(group: $0.id!) }) else {
            throw SwitchboardError.notFound
        }
        let targets =
            groupIDs.isEmpty && !access.keepsAddressBooks
            ? try await standardGroup(of: actor).map { [$0] } ?? [] : named
        guard access.canCreate(in: targets.map(\.ref)) else { throw SwitchboardError.forbidden }
        let contact = try rule { try ContactRules.normalized(input) }
        let model = ContactModel(contact)
        try await db.writeTransaction { db in
            try await Self.checkShortCode(contact.shortCode, except: nil, on: db)
            try await model.create(on: db)
            try await Self.add([model], to: targets, on: db)
        }
        return model
    }

    /// Saves a contact's fields and, when `groupIDs` is given, its groups among those the actor may write (see
    /// `ContactAccess.membershipChange`), in one transaction: nothing changes when any part is refused.
    func update(_ id: UUID, with input: Contact, groups groupIDs: Set<UUID>? = nil, by actor: Actor) async throws
        -> ContactModel
    {
        let (model, groups) = try await contact(id, by: actor)
        let access = try await access(for: actor)
        try SwitchboardError.require(access.editing(contactIn: groups.map(\.ref)))
        let contact = try rule { try ContactRules.normalized(input) }
        let change = try await groupChange(from: groups, to: groupIDs, access: access)
        let name = contact.resolvedDisplayName ?? ""
        for group in groups where !change.removing.contains(where: { $0.id == group.id }) {
            if let limits = group.dectLimits { try rule { try limits.check(adding: [name], to: 0) } }
        }
        try await db.writeTransaction { db in
            try await Self.checkShortCode(contact.shortCode, except: id, on: db)
            model.apply(contact)
            try await model.save(on: db)
            try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id == id)
                .set(\.$sortKey, to: model.sortKey).update()
            try await Self.apply(change, to: model, on: db)
        }
        return model
    }

    /// Deletes the contacts the actor may delete among `ids`, in one transaction; returns how many.
    /// Ids the actor may not delete are refused as a whole: nothing is deleted then.
    @discardableResult
    func delete(_ ids: [UUID], by actor: Actor) async throws -> Int {
        let access = try await access(for: actor)
        let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id ~~ ids)
            .with(\.$group).all()
        let found = try await ContactModel.query(on: db).filter(\.$id ~~ ids).all()
        guard found.count == Set(ids).count else { throw SwitchboardError.notFound }
        for contact in found {
            let groups = memberships.filter { $0.$contact.id == contact.id }.map(\.group.ref)
            try SwitchboardError.require(access.editing(contactIn: groups))
        }
        try await db.writeTransaction { db in
            try await Self.remove(memberships, on: db)
            try await ContactPhotoModel.query(on: db).filter(\.$contact.$id ~~ ids).delete()
            try await ContactModel.query(on: db).filter(\.$id ~~ ids).delete()
            try await AuditService(db: db).record(.contactsDeleted, by: actor, detail: "count=\(found.count)")
        }
        return found.count
    }

    /// "Delete all": every contact of every address book (linked groups excepted, whose
    /// contacts belong to their source). Admins and sub-admins only.
    @discardableResult
    func deleteAll(by actor: Actor) async throws -> Int {
        guard try await access(for: actor).canDeleteAll else { throw SwitchboardError.forbidden }
        return try await db.writeTransaction { db in
            let linked = try await ContactGroupModel.query(on: db).filter(\.$kind == .linked).all().map { $0.id! }
            let keep = try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id ~~ linked).all()
                .map { $0.$contact.id }
            let doomed = ContactModel.query(on: db)
            if !keep.isEmpty { doomed.filter(\.$id !~ keep) }
            let count = try await doomed.count()
            let members = ContactGroupMemberModel.query(on: db)
            if !keep.isEmpty { members.filter(\.$contact.$id !~ keep) }
            try await members.delete()
            let photos = ContactPhotoModel.query(on: db)
            if !keep.isEmpty { photos.filter(\.$contact.$id !~ keep) }
            try await photos.delete()
            let contacts = ContactModel.query(on: db)
            if !keep.isEmpty { contacts.filter(\.$id !~ keep) }
            try await contacts.delete()
            try await ContactGroupModel.query(on: db).filter(\.$kind != .linked).set(\.$memberCount, to: 0).update()
            try await AuditService(db: db).record(.contactsDeletedAll, by: actor, detail: "count=\(count)")
            return count
        }
    }

    /// How many contacts "delete all" would delete (those of linked groups stay).
    func deletableByDeleteAll() async throws -> Int {
        let linked = try await ContactGroupModel.query(on: db).filter(\.$kind == .linked).all().map { $0.id! }
        let kept =
            linked.isEmpty
            ? 0
            : Set(try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id ~~ linked).all(\.$contact.$id))
                .count
        return try await ContactModel.query(on: db).count() - kept
    }

    // MARK: photo

    func photo(of contactID: UUID, by actor: Actor) async throws -> ContactPhotoModel? {
        _ = try await contact(contactID, by: actor)
        return try await ContactPhotoModel.query(on: db).filter(\.$contact.$id == contactID).first()
    }

    func hasPhoto(_ contactID: UUID) async throws -> Bool {
        try await ContactPhotoModel.query(on: db).filter(\.$contact.$id == contactID).count() > 0
    }

    /// Replaces a contact's photo (PNG or JPEG, within `rules`); `nil` removes it.
    func setPhoto(_ data: Data?, of contactID: UUID, rules: PhotoRules, by actor: Actor) async throws {
        let (_, groups) = try await contact(contactID, by: actor)
        try SwitchboardError.require(try await access(for: actor).editing(contactIn: groups.map(\.ref)))
        let image = try data.map { data in try rule { try rules.checkImage(data) } }
        try await db.writeTransaction { db in
            try await ContactPhotoModel.query(on: db).filter(\.$contact.$id == contactID).delete()
            guard let data, let image else { return }
            try await ContactPhotoModel(
                contactID: contactID, mediaType: image.format.mediaType, data: data, width: image.width,
                height: image.height
            ).create(on: db)
        }
    }

    // MARK: membership

    struct GroupChange {
        var adding: [ContactGroupModel] = []
        var removing: [ContactGroupModel] = []
    }

    /// The groups `ContactAccess.membershipChange` adds and removes when an edit names `wanted`; an unknown group is
    /// "not found", like one the actor cannot read.
    private func groupChange(from current: [ContactGroupModel], to wanted: Set<UUID>?, access: ContactAccess)
        async throws -> GroupChange
    {
        guard let wanted else { return GroupChange() }
        let named = try await ContactGroupModel.query(on: db).filter(\.$id ~~ Array(wanted)).all()
        guard named.count == wanted.count else { throw SwitchboardError.notFound }
        let change: MembershipChange
        do {
            change = try access.membershipChange(current: current.map(\.ref), requested: named.map(\.ref))
        } catch {
            throw SwitchboardError(refused: error.reason)
        }
        return GroupChange(
            adding: named.filter { change.add.contains($0.id!) },
            removing: current.filter { change.remove.contains($0.id!) })
    }

    private static func apply(_ change: GroupChange, to contact: ContactModel, on db: any Database) async throws {
        try await add([contact], to: change.adding, on: db)
        guard !change.removing.isEmpty else { return }
        let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id == contact.id!)
            .filter(\.$group.$id ~~ change.removing.map { $0.id! }).all()
        try await remove(memberships, on: db)
    }

    /// Which of `ids` the actor may edit and delete (for the list's selection). One plain query:
    /// this runs on every page of the list.
    func editable(_ ids: [UUID], by actor: Actor) async throws -> Set<UUID> {
        try await editable(ids, within: access(for: actor))
    }

    func editable(_ ids: [UUID], within access: ContactAccess) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let groups = try await ContactStore.groupRefs(of: ids, on: db)
        return Set(ids.filter { access.canEdit(contactIn: groups[$0] ?? []) })
    }

    func groups(of contactID: UUID) async throws -> [ContactGroupModel] {
        try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id == contactID).with(\.$group).all()
            .map(\.group)
    }

    /// Whether `actor` may add contacts at all (the contacts list offers "New contact" and "Import vCard" only then):
    /// those who keep the address books, and anyone with a group they may write (a linked group is its source's).
    func canAddContacts(_ actor: Actor) async throws -> Bool {
        let access = try await access(for: actor)
        if access.keepsAddressBooks { return true }
        let writable = access.rights.filter { $0.value == .write }.map(\.key)
        guard !writable.isEmpty else { return false }
        return try await ContactGroupModel.query(on: db).filter(\.$id ~~ writable).filter(\.$kind != .linked).count()
            > 0
    }

    func standardGroup(of actor: Actor) async throws -> ContactGroupModel? {
        try await GroupRightModel.query(on: db).filter(\.$user.$id == actor.user.requireID())
            .filter(\.$isStandard == true).with(\.$group).first()?.group
    }

    /// Adds memberships that do not exist yet, keeping counts and DECT limits.
    static func add(_ contacts: [ContactModel], to groups: [ContactGroupModel], on db: any Database) async throws {
        guard !contacts.isEmpty else { return }
        for group in groups {
            let groupID = try group.requireID()
            let existing = Set(
                try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id == groupID)
                    .filter(\.$contact.$id ~~ contacts.map { $0.id! }).all().map { $0.$contact.id })
            let new = contacts.filter { !existing.contains($0.id!) }
            guard !new.isEmpty else { continue }
            try await GroupMemberCount.add(names: new.map(\.displayName), to: group, on: db)
            try await new.map { ContactGroupMemberModel(contactID: $0.id!, groupID: groupID, sortKey: $0.sortKey) }
                .create(on: db)
        }
    }

    /// Memberships of contacts just created (so none exists yet), as `add` makes them: DECT limits checked, counts
    /// kept; one multi-row insert per group (a CSV import adds thousands at a time).
    static func addNew(
        _ contacts: [(contactID: UUID, displayName: String, sortKey: String)], to groups: [ContactGroupModel],
        on db: any Database
    ) async throws {
        guard !contacts.isEmpty else { return }
        for group in groups {
            let groupID = try group.requireID()
            try await GroupMemberCount.add(names: contacts.map(\.displayName), to: group, on: db)
            try await ContactBulkInsert.insertMembers(
                contacts.map { (contactID: $0.contactID, sortKey: $0.sortKey) }, of: groupID, on: db as! any SQLDatabase
            )
        }
    }

    static func remove(_ memberships: [ContactGroupMemberModel], on db: any Database) async throws {
        let counts = memberships.reduce(into: [UUID: Int]()) { $0[$1.$group.id, default: 0] += 1 }
        for (groupID, removed) in counts {
            try await GroupMemberCount.subtract(removed, from: groupID, on: db)
        }
        try await ContactGroupMemberModel.query(on: db).filter(\.$id ~~ memberships.map { $0.id! }).delete()
    }

    static func checkShortCode(_ code: String?, except id: UUID?, on db: any Database) async throws {
        guard let code else { return }
        let query = ContactModel.query(on: db).filter(\.$shortCode == code)
        if let id { query.filter(\.$id != id) }
        if try await query.count() > 0 { throw SwitchboardError.shortCodeTaken }
    }
}
