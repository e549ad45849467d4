import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// A group's `member_count`, changed only by one statement that reads and writes it together: never read into
/// memory, changed there and saved back (60 concurrent creations lost 49 increments so, and a DECT group with room
/// for 5 took 15). A DECT group's maximum is part of the same statement's condition, so two requests cannot both
/// take its last place: PostgreSQL re-reads the row under its lock, SQLite runs one writer at a time.
enum GroupMemberCount {
    /// Counts `names` more members of `group`, refusing when a DECT group would hold more than its maximum or a name
    /// is longer than its handsets show. `group.memberCount` follows the stored count.
    static func add(names: [String], to group: ContactGroupModel, on db: any Database) async throws {
        let groupID = try group.requireID()
        let added = names.count
        guard added > 0 else { return }
        let sql = db as! any SQLDatabase
        guard let limits = group.dectLimits else {
            let row = try await sql.raw(
                "UPDATE contact_groups SET member_count = member_count + \(bind: added) WHERE id = \(bind: groupID) RETURNING member_count"
            ).first()
            group.memberCount = try row?.decode(column: "member_count", as: Int.self) ?? group.memberCount + added
            return
        }
        // Names first: that rule needs no count.
        try rule { try limits.check(adding: names, to: 0) }
        let row = try await sql.raw(
            """
            UPDATE contact_groups SET member_count = member_count + \(bind: added) \
            WHERE id = \(bind: groupID) AND member_count + \(bind: added) <= \(bind: limits.maximumEntries) \
            RETURNING member_count
            """
        ).first()
        if let row {
            group.memberCount = try row.decode(column: "member_count", as: Int.self)
            return
        }
        let current = try await ContactGroupModel.find(groupID, on: db)?.memberCount ?? group.memberCount
        throw SwitchboardError.dect(.groupFull(maximum: limits.maximumEntries, wouldHave: current + added))
    }

    /// Counts `removed` fewer members of the group (never below zero).
    static func subtract(_ removed: Int, from groupID: UUID, on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw(
            """
            UPDATE contact_groups SET member_count = CASE WHEN member_count < \(bind: removed) THEN 0 \
            ELSE member_count - \(bind: removed) END WHERE id = \(bind: groupID)
            """
        ).run()
    }
}
