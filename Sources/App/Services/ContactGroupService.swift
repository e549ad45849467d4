import Fluent
import Foundation
import SwitchboardCore

/// Contact groups, their members and who may read or write them.
struct ContactGroupService {
    let db: any Database

    /// Groups the actor may open, by name, with their member counts.
    func list(by actor: Actor) async throws -> [ContactGroupModel] {
        let access = try await ContactService(db: db).access(for: actor)
        let query = ContactGroupModel.query(on: db).sort(\.$name)
        if let readable = access.readableGroupIDs { query.filter(\.$id ~~ readable) }
        return try await query.all()
    }

    func create(name: String, kind: ContactGroupKind, dectLimits: DECTLimits? = nil, by actor: Actor) async throws
        -> ContactGroupModel
    {
        try actor.require(.manageContactGroups)
        let group = ContactGroupModel(
            name: name.trimmingCharacters(in: .whitespacesAndNewlines), kind: kind,
            dectLimits: kind == .dect ? dectLimits : nil)
        guard !group.name.isEmpty, group.name.count <= 100 else { throw SwitchboardError.groupNameInvalid }
        if try await ContactGroupModel.query(on: db).filter(\.$name == group.name).count() > 0 {
            throw SwitchboardError.groupNameTaken
        }
        try await group.create(on: db)
        return group
    }

    /// Gives `right` on a group to a user, or takes it away (`nil`); `isStandard` makes it the
    /// group their new contacts land in (one per user).
    func setRight(_ right: GroupRight?, isStandard: Bool = false, for userID: UUID, on groupID: UUID, by actor: Actor)
        async throws
    {
        try actor.require(.manageContactGroups)
        try await db.transaction { db in
            try await GroupRightModel.query(on: db).filter(\.$user.$id == userID).filter(\.$group.$id == groupID)
                .delete()
            guard let right else { return }
            if isStandard {
                try await GroupRightModel.query(on: db).filter(\.$user.$id == userID).set(\.$isStandard, to: false)
                    .update()
            }
            try await GroupRightModel(userID: userID, groupID: groupID, right: right, isStandard: isStandard)
                .create(on: db)
        }
    }

    /// Adds contacts to a group the actor may write; each must be one the actor may read.
    func add(_ contactIDs: [UUID], to groupID: UUID, by actor: Actor) async throws {
        let access = try await ContactService(db: db).access(for: actor)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        guard access.canWrite(group: group.ref) else { throw SwitchboardError.forbidden }
        let contacts = try await ContactModel.query(on: db).filter(\.$id ~~ contactIDs).all()
        let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id ~~ contactIDs)
            .with(\.$group).all()
        for contact in contacts {
            let groups = memberships.filter { $0.$contact.id == contact.id }.map(\.group.ref)
            guard access.canRead(contactIn: groups) else { throw SwitchboardError.notFound }
        }
        guard contacts.count == Set(contactIDs).count else { throw SwitchboardError.notFound }
        try await db.transaction { db in try await ContactService.add(contacts, to: [group], on: db) }
    }

    /// Takes contacts out of a group the actor may write (they stay in the address book).
    func remove(_ contactIDs: [UUID], from groupID: UUID, by actor: Actor) async throws {
        let access = try await ContactService(db: db).access(for: actor)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        guard access.canWrite(group: group.ref) else { throw SwitchboardError.forbidden }
        try await db.transaction { db in
            let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id == groupID)
                .filter(\.$contact.$id ~~ contactIDs).all()
            try await ContactService.remove(memberships, on: db)
        }
    }

    /// Deletes a group; its contacts stay (in their other groups, or without group).
    func delete(_ groupID: UUID, by actor: Actor) async throws {
        try actor.require(.manageContactGroups)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        try await db.transaction { db in
            try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id == groupID).delete()
            try await GroupRightModel.query(on: db).filter(\.$group.$id == groupID).delete()
            try await group.delete(on: db)
        }
    }
}
