import Fluent
import Foundation
import SwitchboardCore

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "role") var role: Role
    @OptionalField(key: "extension") var phoneExtension: String?
    @Field(key: "password_hash") var passwordHash: String
    /// `nil` follows the browser's `Accept-Language`.
    @OptionalField(key: "language") var language: Language?
    @Field(key: "theme") var theme: Theme
    /// Bumped to sign the user out of every session (password reset, account change).
    @Field(key: "session_epoch") var sessionEpoch: Int

    init() {}

    init(
        username: String, displayName: String, role: Role, phoneExtension: String?, passwordHash: String,
        language: Language? = nil, theme: Theme = .system
    ) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.phoneExtension = phoneExtension
        self.passwordHash = passwordHash
        self.language = language
        self.theme = theme
        self.sessionEpoch = 0
    }
}

extension UserModel {
    static func find(username: String, on db: any Database) async throws -> UserModel? {
        try await query(on: db).filter(\.$username == username.lowercased()).first()
    }

    static func adminCount(on db: any Database) async throws -> Int {
        try await query(on: db).filter(\.$role == .admin).count()
    }
}
