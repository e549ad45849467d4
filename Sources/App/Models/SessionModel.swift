import Fluent
import Foundation
import Vapor

/// A browser's session, with the moment it ends on the server whatever the cookie says. Replaces Fluent's
/// `_fluent_sessions`, which never expired.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "key") var key: String
    @Field(key: "data") var data: SessionData
    @Field(key: "expires_at") var expiresAt: Date

    init() {}

    init(key: String, data: SessionData, expiresAt: Date) {
        self.key = key
        self.data = data
        self.expiresAt = expiresAt
    }
}
