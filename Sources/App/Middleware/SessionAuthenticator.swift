import Fluent
import Vapor

extension UserModel: Authenticatable {}

/// Restores the signed-in user from the session. A session whose epoch no longer matches the
/// user's (password reset, signed out elsewhere) or whose user is gone is ended.
struct SessionAuthenticator: AsyncMiddleware {
    static let userKey = "uid"
    static let epochKey = "epoch"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.hasSession, let rawID = request.session.data[Self.userKey] {
            let user = try await UUID(uuidString: rawID).asyncFlatMap { try await UserModel.find($0, on: request.db) }
            if let user, request.session.data[Self.epochKey] == String(user.sessionEpoch) {
                request.auth.login(user)
            } else {
                request.session.data[Self.userKey] = nil
                request.session.data[Self.epochKey] = nil
            }
        }
        return try await next.respond(to: request)
    }

    /// Starts a fresh session for `user` (a new id, so a planted session id is worthless).
    static func signIn(_ user: UserModel, on request: Request) async throws {
        try await startFreshSession(on: request)
        request.session.data[userKey] = try user.requireID().uuidString
        request.session.data[epochKey] = String(user.sessionEpoch)
        request.auth.login(user)
    }

    /// A new session id, so a planted one is worthless, and a new CSRF token: one seen before signing in (planted, or
    /// read from the sign-in page) opens nothing.
    private static func startFreshSession(on request: Request) async throws {
        if let old = request.session.id {
            try await request.application.sessions.driver.deleteSession(old, for: request).get()
            request.session.id = nil
        }
        request.session.data = SessionData()
        request.session.data[CSRF.sessionKey] = TokenService.randomURLSafe(bytes: 32)
    }

    static let pendingUserKey = "pending_uid"
    static let pendingEpochKey = "pending_epoch"
    static let pendingSinceKey = "pending_since"
    static let pendingNextKey = "pending_next"
    /// How long the code may take after the password.
    static let pendingLifetime: TimeInterval = 300

    /// The password was right and a second factor is asked: a fresh session that remembers who is signing in, signed
    /// in as nobody until the code is right.
    static func startSecondFactor(_ user: UserModel, next: String, on request: Request) async throws {
        try await startFreshSession(on: request)
        request.session.data[pendingUserKey] = try user.requireID().uuidString
        request.session.data[pendingEpochKey] = String(user.sessionEpoch)
        request.session.data[pendingSinceKey] = String(Int(Date().timeIntervalSince1970))
        request.session.data[pendingNextKey] = next
    }

    /// The user whose password was right a moment ago in this browser, if any (and still in time).
    static func pendingUser(on request: Request) async throws -> (user: UserModel, next: String)? {
        guard request.hasSession, let raw = request.session.data[pendingUserKey], let id = UUID(uuidString: raw),
            let since = request.session.data[pendingSinceKey].flatMap(Double.init),
            Date().timeIntervalSince1970 - since < pendingLifetime,
            let user = try await UserModel.find(id, on: request.db),
            request.session.data[pendingEpochKey] == String(user.sessionEpoch)
        else { return nil }
        return (user, Paths.safeRedirect(request.session.data[pendingNextKey]))
    }

    static func signOut(on request: Request) {
        request.auth.logout(UserModel.self)
        request.session.destroy()
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
