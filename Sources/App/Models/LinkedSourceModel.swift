import Fluent
import Foundation

/// Where a linked contact group's contacts come from: one CardDAV address book, how to sign in to
/// it, how often to synchronise, and how the last synchronisation went. One per linked group.
final class LinkedSourceModel: Model, @unchecked Sendable {
    static let schema = "linked_sources"

    enum AuthKind: String, Codable, Sendable, CaseIterable {
        /// User name and password (or an app password: iCloud, Fastmail, Nextcloud).
        case password
        /// OAuth 2.0 refresh token exchanged for access tokens (Google).
        case oauth
    }

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    /// What the administrator typed: an address book, or a server to discover books on.
    @Field(key: "server_url") var serverURL: String
    /// The address book synchronised; `nil` until one is chosen among those discovered.
    @OptionalField(key: "address_book_url") var addressBookURL: String?
    /// JSON list of `CardDAVClient.DiscoveredBook` when discovery found several.
    @OptionalField(key: "discovered_books") var discoveredBooks: String?
    @Field(key: "auth_kind") var authKind: AuthKind
    @Field(key: "username") var username: String
    /// Password or refresh token, sealed by `SecretBox`.
    @OptionalField(key: "secret_sealed") var sealedSecret: String?
    @OptionalField(key: "oauth_client_id") var oauthClientID: String?
    @OptionalField(key: "oauth_client_secret_sealed") var sealedClientSecret: String?
    @OptionalField(key: "oauth_token_url") var oauthTokenURL: String?
    /// The last access token the refresh token gave, sealed, kept until shortly before it expires.
    @OptionalField(key: "oauth_access_token_sealed") var sealedAccessToken: String?
    @OptionalField(key: "oauth_access_token_expires_at") var accessTokenExpiresAt: Date?
    @Field(key: "interval_minutes") var intervalMinutes: Int

    // synchronisation state
    @OptionalField(key: "sync_token") var syncToken: String?
    @OptionalField(key: "ctag") var ctag: String?
    @OptionalField(key: "last_attempt_at") var lastAttemptAt: Date?
    @OptionalField(key: "last_success_at") var lastSuccessAt: Date?
    @Field(key: "last_created") var lastCreated: Int
    @Field(key: "last_updated") var lastUpdated: Int
    @Field(key: "last_deleted") var lastDeleted: Int
    @Field(key: "last_failed") var lastFailed: Int
    /// `CardDAVError.code` of the last attempt, `nil` when it succeeded.
    @OptionalField(key: "last_error_code") var lastErrorCode: String?
    @OptionalField(key: "last_error_detail") var lastErrorDetail: String?

    // relationships
    @Parent(key: "group_id") var group: ContactGroupModel

    init() {}

    init(groupID: UUID) {
        self.$group.id = groupID
        serverURL = ""
        authKind = .password
        username = ""
        intervalMinutes = 60
        lastCreated = 0
        lastUpdated = 0
        lastDeleted = 0
        lastFailed = 0
    }
}

/// One card of a linked address book and the contact it became: found again by its href, fetched
/// again only when its etag changes.
final class LinkedCardModel: Model, @unchecked Sendable {
    static let schema = "linked_cards"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    /// `DAVResponse.key` of the card's href.
    @Field(key: "href") var href: String
    @Field(key: "etag") var etag: String

    // relationships
    @Parent(key: "source_id") var source: LinkedSourceModel
    @Parent(key: "contact_id") var contact: ContactModel

    init() {}

    init(sourceID: UUID, contactID: UUID, href: String, etag: String) {
        self.$source.id = sourceID
        self.$contact.id = contactID
        self.href = href
        self.etag = etag
    }
}
