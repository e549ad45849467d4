import Fluent
import Foundation

/// A contact group published as a remote phone book for desk phones (HTTP Basic).
final class GroupDirectoryModel: Model, @unchecked Sendable {
    static let schema = "group_directories"
    /// The user name phones send when the administrator sets none.
    static let defaultUsername = "phone"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "is_enabled") var isEnabled: Bool
    @Field(key: "username") var username: String
    /// Hashed like user passwords; `nil` until a password is first set.
    @OptionalField(key: "password_hash") var passwordHash: String?

    // relationships
    @Parent(key: "group_id") var group: ContactGroupModel

    init() {}

    init(groupID: UUID) {
        self.$group.id = groupID
        self.isEnabled = false
        self.username = Self.defaultUsername
        self.passwordHash = nil
    }
}
