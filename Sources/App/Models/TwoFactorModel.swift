import Fluent
import Foundation

/// A user's authenticator: the TOTP secret (base32), confirmed once a first code was typed, the last step used (a code
/// is good once), and the SHA-256 digests of the unused recovery codes.
final class TwoFactorModel: Model, @unchecked Sendable {
    static let schema = "two_factor"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "secret") var secret: String
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @Field(key: "last_step") var lastStep: Int64
    /// JSON array of hex digests.
    @Field(key: "recovery_digests") var recoveryDigests: String

    // relationships
    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(userID: UUID, secret: String) {
        self.$user.id = userID
        self.secret = secret
        self.lastStep = 0
        self.recoveryDigests = "[]"
    }
}

/// A browser that may skip the code for 30 days: only the digest of its cookie is kept.
final class RememberedBrowserModel: Model, @unchecked Sendable {
    static let schema = "two_factor_browsers"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "digest") var digest: String
    @Field(key: "expires_at") var expiresAt: Date

    // relationships
    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(userID: UUID, digest: String, expiresAt: Date) {
        self.$user.id = userID
        self.digest = digest
        self.expiresAt = expiresAt
    }
}

/// Settings an administrator changes on the pages, one row each.
final class AppSettingModel: Model, @unchecked Sendable {
    static let schema = "app_settings"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "key") var key: String
    @Field(key: "value") var value: String

    init() {}

    init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
