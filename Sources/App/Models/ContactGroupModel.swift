import Fluent
import Foundation
import SwitchboardCore

final class ContactGroupModel: Model, @unchecked Sendable {
    static let schema = "contact_groups"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "name") var name: String
    /// Chosen at creation, never changed.
    @Field(key: "kind") var kind: ContactGroupKind
    @OptionalField(key: "dect_max_entries") var dectMaximumEntries: Int?
    @OptionalField(key: "dect_max_name_length") var dectMaximumNameLength: Int?
    /// Kept by the services in the same transaction as membership changes: counting a
    /// 100 000-member group on every page would cost more than the page.
    @Field(key: "member_count") var memberCount: Int

    init() {}

    init(name: String, kind: ContactGroupKind, dectLimits: DECTLimits? = nil) {
        self.name = name
        self.kind = kind
        self.dectMaximumEntries = dectLimits?.maximumEntries
        self.dectMaximumNameLength = dectLimits?.maximumNameLength
        self.memberCount = 0
    }
}

extension ContactGroupModel {
    var ref: GroupRef { GroupRef(id: id!, kind: kind) }

    /// DECT limits are 1–10 000 entries and names of 4–100 characters.
    static func validate(_ limits: DECTLimits) throws(SwitchboardError) {
        guard (1...10_000).contains(limits.maximumEntries), (4...100).contains(limits.maximumNameLength) else {
            throw .dectLimitsInvalid
        }
    }

    func setDECTLimits(_ limits: DECTLimits) throws(SwitchboardError) {
        try Self.validate(limits)
        dectMaximumEntries = limits.maximumEntries
        dectMaximumNameLength = limits.maximumNameLength
    }

    var dectLimits: DECTLimits? {
        guard kind == .dect else { return nil }
        let defaults = DECTLimits()
        return DECTLimits(
            maximumEntries: dectMaximumEntries ?? defaults.maximumEntries,
            maximumNameLength: dectMaximumNameLength ?? defaults.maximumNameLength)
    }
}

/// A contact's membership of a group. The contact's sort key is repeated here so one group's
/// page is a single ordered index range, whatever the size of the address book.
final class ContactGroupMemberModel: Model, @unchecked Sendable {
    static let schema = "contact_group_members"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "sort_key") var sortKey: String

    // relationships
    @Parent(key: "contact_id") var contact: ContactModel
    @Parent(key: "group_id") var group: ContactGroupModel

    init() {}

    init(contactID: UUID, groupID: UUID, sortKey: String) {
        self.$contact.id = contactID
        self.$group.id = groupID
        self.sortKey = sortKey
    }
}

/// A subscriber's right on a group; `isStandard` marks the group their new contacts land in.
final class GroupRightModel: Model, @unchecked Sendable {
    static let schema = "group_rights"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "right") var right: GroupRight
    @Field(key: "is_standard") var isStandard: Bool

    // relationships
    @Parent(key: "user_id") var user: UserModel
    @Parent(key: "group_id") var group: ContactGroupModel

    init() {}

    init(userID: UUID, groupID: UUID, right: GroupRight, isStandard: Bool = false) {
        self.$user.id = userID
        self.$group.id = groupID
        self.right = right
        self.isStandard = isStandard
    }
}
