import Fluent
import Foundation

final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    enum Kind: String, Codable, Sendable {
        /// Acts as its owner through `/api/v1`.
        case personal
    }

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: Kind
    /// SHA-256 of the secret, hex; the secret itself is shown once and never stored.
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters of the secret, to recognise a token in a list.
    @Field(key: "prefix") var prefix: String
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    // relationships
    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(userID: UUID, name: String, kind: Kind, tokenHash: String, prefix: String) {
        self.$user.id = userID
        self.name = name
        self.kind = kind
        self.tokenHash = tokenHash
        self.prefix = prefix
    }
}
