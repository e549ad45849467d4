import Fluent
import Foundation

/// A token for the telephone system: it calls `/api/v1/pbx/*` and nothing else. It belongs to
/// no user (it outlives whoever created it); only its SHA-256 is stored.
final class PBXTokenModel: Model, @unchecked Sendable {
    static let schema = "pbx_tokens"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "name") var name: String
    /// SHA-256 of the secret, hex.
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters of the secret, to recognise a token in a list.
    @Field(key: "prefix") var prefix: String
    @OptionalField(key: "created_by") var createdBy: String?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    init(name: String, tokenHash: String, prefix: String, createdBy: String?) {
        self.name = name
        self.tokenHash = tokenHash
        self.prefix = prefix
        self.createdBy = createdBy
    }
}
