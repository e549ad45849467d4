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

/// One number of a contact under its caller-ID key (`CallerIDMatcher.lookupKey`): the
/// lookup reads a handful of rows by index instead of every contact.
final class ContactNumberKeyModel: Model, @unchecked Sendable {
    static let schema = "contact_number_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    /// The number as stored on the contact.
    @Field(key: "number") var number: String
    @Parent(key: "contact_id") var contact: ContactModel

    init() {}

    init(contactID: UUID, key: String, number: String) {
        self.$contact.id = contactID
        self.key = key
        self.number = number
    }
}
