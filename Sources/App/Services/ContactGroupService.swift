import Fluent
import Foundation
import SwitchboardCore

/// Contact groups, their members and who may read or write them.
struct ContactGroupService {
    let db: any Database
    var maximumLinkedGroups = 5

    /// Groups the actor may open, by name, with their member counts.
    func list(by actor: Actor) async throws -> [ContactGroupModel] {
        try await list(within: ContactService(db: db).access(for: actor))
    }

    /// The same, for a caller that already knows the actor's access.
    func list(within access: ContactAccess) async throws -> [ContactGroupModel] {
        let query = ContactGroupModel.query(on: db).sort(\.$name)
        if let readable = access.readableGroupIDs { query.filter(\.$id ~~ readable) }
        return try await query.all()
    }

    /// A group the actor may open.
    func group(_ groupID: UUID, by actor: Actor) async throws -> ContactGroupModel {
        let access = try await ContactService(db: db).access(for: actor)
        guard access.canRead(group: groupID), let group = try await ContactGroupModel.find(groupID, on: db) else {
            throw SwitchboardError.notFound
        }
        return group
    }

    func create(name: String, kind: ContactGroupKind, dectLimits: DECTLimits? = nil, by actor: Actor) async throws
        -> ContactGroupModel
    {
        try actor.require(.manageContactGroups)
        if kind == .linked,
            try await ContactGroupModel.query(on: db).filter(\.$kind == .linked).count() >= maximumLinkedGroups
        {
            throw SwitchboardError.linkedGroupLimit(maximum: maximumLinkedGroups)
        }
        let group = ContactGroupModel(name: try await checkedName(name, except: nil), kind: kind)
        // Limits out of range are refused whatever the kind, never silently dropped.
        if let dectLimits { try ContactGroupModel.validate(dectLimits) }
        if kind == .dect { try group.setDECTLimits(dectLimits ?? DECTLimits()) }
        try await db.writeTransaction { db in
            try await group.create(on: db)
            try await AuditService(db: db).record(
                .contactGroupCreated, by: actor, target: group.name, detail: "kind=\(kind.rawValue)")
        }
        return group
    }

    /// Renames a group and, for a DECT group, changes its limits (which must fit what it holds).
    /// The kind never changes.
    func update(_ groupID: UUID, name: String, dectLimits: DECTLimits?, by actor: Actor) async throws
        -> ContactGroupModel
    {
        try actor.require(.manageContactGroups)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        group.name = try await checkedName(name, except: groupID)
        if let dectLimits { try ContactGroupModel.validate(dectLimits) }
        if group.kind == .dect, let dectLimits {
            try group.setDECTLimits(dectLimits)
            try rule { try dectLimits.check(adding: [], to: group.memberCount) }
            let longest = try await ContactModel.query(on: db)
                .join(ContactGroupMemberModel.self, on: \ContactModel.$id == \ContactGroupMemberModel.$contact.$id)
                .filter(ContactGroupMemberModel.self, \.$group.$id == groupID)
                .all(\.$displayName)
                .first { $0.count > dectLimits.maximumNameLength }
            if let longest { try rule { try dectLimits.check(adding: [longest], to: 0) } }
        }
        let limits = group.dectLimits.map { " entries=\($0.maximumEntries) name_length=\($0.maximumNameLength)" } ?? ""
        try await db.writeTransaction { db in
            try await group.save(on: db)
            try await AuditService(db: db).record(
                .contactGroupUpdated, by: actor, target: group.name, detail: "name=\(group.name)" + limits)
        }
        return group
    }

    private func checkedName(_ raw: String, except id: UUID?) async throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100, !TextChecks.hasControlCharacters(name) else {
            throw SwitchboardError.groupNameInvalid
        }
        let same = ContactGroupModel.query(on: db).filter(\.$name == name)
        if let id { same.filter(\.$id != id) }
        if try await same.count() > 0 { throw SwitchboardError.groupNameTaken }
        return name
    }

    // MARK: rights

    /// One subscriber's row of the rights matrix.
    struct RightEntry: Sendable, Equatable {
        var right: GroupRight?
        var isStandard: Bool
    }

    /// Every right given on a group, by user.
    func rights(on groupID: UUID, by actor: Actor) async throws -> [UUID: RightEntry] {
        try actor.require(.manageContactGroups)
        guard try await ContactGroupModel.find(groupID, on: db) != nil else { throw SwitchboardError.notFound }
        return try await GroupRightModel.query(on: db).filter(\.$group.$id == groupID).all()
            .reduce(into: [:]) { $0[$1.$user.id] = RightEntry(right: $1.right, isStandard: $1.isStandard) }
    }

    /// Saves rows of the rights matrix of one group in one transaction. A standard group needs
    /// write right; a linked group can only be read.
    func setRights(_ entries: [UUID: RightEntry], on groupID: UUID, by actor: Actor) async throws {
        try actor.require(.manageContactGroups)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        for entry in entries.values {
            if entry.isStandard, entry.right != .write {
                throw group.kind.isReadOnly ? SwitchboardError.groupReadOnly : .standardNeedsWrite
            }
            if group.kind.isReadOnly, entry.right == .write { throw SwitchboardError.groupReadOnly }
        }
        let known = try await UserModel.query(on: db).filter(\.$id ~~ Array(entries.keys)).count()
        guard known == entries.count else { throw SwitchboardError.notFound }
        try await db.writeTransaction { db in
            for (userID, entry) in entries {
                try await GroupRightModel.query(on: db).filter(\.$user.$id == userID)
                    .filter(\.$group.$id == groupID).delete()
                guard let right = entry.right else { continue }
                if entry.isStandard {
                    try await GroupRightModel.query(on: db).filter(\.$user.$id == userID)
                        .set(\.$isStandard, to: false).update()
                }
                try await GroupRightModel(userID: userID, groupID: groupID, right: right, isStandard: entry.isStandard)
                    .create(on: db)
            }
            let users = try await UserModel.query(on: db).filter(\.$id ~~ Array(entries.keys)).all()
            let detail = users.sorted { $0.username < $1.username }.map { user -> String in
                let entry = entries[user.id!]
                return
                    "\(user.username)=\(entry?.right?.rawValue ?? "none")\(entry?.isStandard == true ? "+standard" : "")"
            }.joined(separator: " ")
            try await AuditService(db: db).record(.groupRightsChanged, by: actor, target: group.name, detail: detail)
        }
    }

    /// Gives `right` on a group to a user, or takes it away (`nil`); `isStandard` makes it the
    /// group their new contacts land in (one per user).
    func setRight(_ right: GroupRight?, isStandard: Bool = false, for userID: UUID, on groupID: UUID, by actor: Actor)
        async throws
    {
        try await setRights([userID: RightEntry(right: right, isStandard: isStandard)], on: groupID, by: actor)
    }

    /// Adds contacts to a group the actor may write; each must be one the actor may read. A contact
    /// of a linked group is copied instead: the copy is a contact of its own, editable, which stays
    /// when the source deletes the original.
    func add(_ contactIDs: [UUID], to groupID: UUID, by actor: Actor) async throws {
        let access = try await ContactService(db: db).access(for: actor)
        guard access.canRead(group: groupID), let group = try await ContactGroupModel.find(groupID, on: db) else {
            throw SwitchboardError.notFound
        }
        guard access.canWrite(group: group.ref) else { throw SwitchboardError.forbidden }
        let contacts = try await ContactModel.query(on: db).filter(\.$id ~~ contactIDs).all()
        let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id ~~ contactIDs)
            .with(\.$group).all()
        var mirrored: [ContactModel] = []
        for contact in contacts {
            let groups = memberships.filter { $0.$contact.id == contact.id }.map(\.group.ref)
            guard access.canCopy(contactIn: groups, into: group.ref) else { throw SwitchboardError.notFound }
            if groups.contains(where: \.kind.isReadOnly) { mirrored.append(contact) }
        }
        guard contacts.count == Set(contactIDs).count else { throw SwitchboardError.notFound }
        let copies = mirrored.map { original in
            var contact = original.toDomain()
            contact.shortCode = nil
            return (original.id!, ContactModel(contact))
        }
        let members = contacts.filter { contact in !mirrored.contains { $0 === contact } } + copies.map(\.1)
        try await db.writeTransaction { db in
            for (originalID, copy) in copies {
                try await copy.create(on: db)
                if let photo = try await ContactPhotoModel.query(on: db).filter(\.$contact.$id == originalID).first() {
                    try await ContactPhotoModel(
                        contactID: copy.id!, mediaType: photo.mediaType, data: photo.data, width: photo.width,
                        height: photo.height
                    ).create(on: db)
                }
            }
            try await ContactService.add(members, to: [group], on: db)
        }
    }

    /// Takes contacts out of a group the actor may write (they stay in the address book).
    func remove(_ contactIDs: [UUID], from groupID: UUID, by actor: Actor) async throws {
        let access = try await ContactService(db: db).access(for: actor)
        guard access.canRead(group: groupID), let group = try await ContactGroupModel.find(groupID, on: db) else {
            throw SwitchboardError.notFound
        }
        guard access.canWrite(group: group.ref) else { throw SwitchboardError.forbidden }
        try await db.writeTransaction { db in
            let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id == groupID)
                .filter(\.$contact.$id ~~ contactIDs).all()
            try await ContactService.remove(memberships, on: db)
        }
    }

    /// Deletes a group; its contacts stay (in their other groups, or without group).
    func delete(_ groupID: UUID, by actor: Actor) async throws {
        try actor.require(.manageContactGroups)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        try await db.writeTransaction { db in
            if let source = try await LinkedSourceModel.query(on: db).filter(\.$group.$id == groupID).first() {
                // A mirror's contacts belong to their source: they go with it (copies stay).
                let mirrored = try await LinkedCardModel.query(on: db).filter(\.$source.$id == source.requireID())
                    .all(\.$contact.$id)
                try await CardDAVSync.deleteContacts(mirrored, on: db)
                try await source.delete(on: db)
            }
            try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id == groupID).delete()
            try await GroupRightModel.query(on: db).filter(\.$group.$id == groupID).delete()
            try await group.delete(on: db)
            try await AuditService(db: db).record(
                .contactGroupDeleted, by: actor, target: group.name, detail: "contacts=\(group.memberCount)")
        }
    }
}
