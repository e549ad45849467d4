import Fluent
import SQLKit
import SwitchboardCore
import Vapor

/// Checks credentials with throttling per account and per client address.
struct SignInService {
    let db: any Database
    let hasher: PasswordHashing
    let throttle: LoginThrottle
    /// A digest of the configured cost that no password matches: verifying against it for unknown
    /// usernames keeps the answer time the same whether or not the account exists.
    let decoyDigest: String

    func signIn(username rawUsername: String, password: String, clientAddress: String?, now: Date = Date())
        async throws -> UserModel
    {
        let username = rawUsername.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let since = throttle.windowStart(now: now)
        let attempt = try await reserveAttempt(username: username, clientAddress: clientAddress, now: now)

        let user = try await UserModel.find(username: username, on: db)
        let verified: Bool
        do {
            verified = try await hasher.verify(password, created: user?.passwordHash ?? decoyDigest)
        } catch {
            // Not checked (too busy): not a failure of the person's.
            try await LoginFailureModel.query(on: db).filter(\.$id ~~ attempt).delete()
            throw error
        }
        guard let user, verified else {
            try await AuditService(db: db).record(
                .signInFailed, by: nil, target: username, clientAddress: clientAddress)
            SwitchboardMetrics.current?.signInFailure("wrong")
            throw SwitchboardError.wrongCredentials
        }
        // With a second factor, the account's count is cleared by the right code, not by the password: else every
        // right password would allow five more guesses of the code.
        let clearsAccount = try await !TwoFactorService(db: db).isEnabled(for: user.requireID())
        try await forgive(attempt, clearing: clearsAccount ? user.username : nil, since: since)
        try await AuditService(db: db).record(
            .signInSucceeded, by: Actor(user: user, clientAddress: clientAddress), target: username)
        return user
    }

    /// Counts an attempt against the account and the client address before it is checked, or refuses it when
    /// either must wait. Checking the count and counting the attempt are one step: 40 simultaneous wrong passwords were
    /// all checked against a count of zero before any was counted. A right answer takes the attempt back.
    private func reserveAttempt(username: String, clientAddress: String?, now: Date) async throws -> [UUID] {
        let accountKey = "user:\(username)"
        let addressKey = "ip:\(clientAddress ?? "unknown")"
        let since = throttle.windowStart(now: now)
        let attempt = try await db.writeTransaction { db -> [UUID]? in
            try await db.serializeTransactions(on: [accountKey, addressKey])
            async let accountFailures = failures(for: accountKey, since: since, on: db)
            async let addressFailures = failures(for: addressKey, since: since, on: db)
            if throttle.wait(
                accountFailures: try await accountFailures, addressFailures: try await addressFailures, now: now)
                != nil
            {
                return nil
            }
            let rows = [
                LoginFailureModel(key: accountKey, failedAt: now), LoginFailureModel(key: addressKey, failedAt: now),
            ]
            for row in rows { try await row.create(on: db) }
            return rows.compactMap(\.id)
        }
        guard let attempt else {
            let wait =
                throttle.wait(
                    accountFailures: try await failures(for: accountKey, since: since, on: db),
                    addressFailures: try await failures(for: addressKey, since: since, on: db), now: now) ?? 1
            try await AuditService(db: db).record(
                .signInThrottled, by: nil, target: username, clientAddress: clientAddress)
            SwitchboardMetrics.current?.signInFailure("throttled")
            throw SwitchboardError.tooManyAttempts(seconds: Int(wait.rounded(.up)))
        }
        return attempt
    }

    /// The second step of signing in: the code of the user's authenticator (or a recovery code), throttled like
    /// passwords, on the same counts.
    func verifySecondFactor(_ user: UserModel, code: String, clientAddress: String?, now: Date = Date()) async throws {
        let attempt = try await reserveAttempt(username: user.username, clientAddress: clientAddress, now: now)
        guard try await TwoFactorService(db: db).verify(code, for: user.requireID(), now: now) else {
            try await AuditService(db: db).record(
                .twoFactorFailed, by: nil, target: user.username, clientAddress: clientAddress)
            throw SwitchboardError.twoFactorCodeWrong
        }
        try await forgive(attempt, clearing: user.username, since: throttle.windowStart(now: now))
    }

    /// Takes back the attempt (and, after a complete sign-in, the account's failures), and drops failures older than
    /// the window.
    private func forgive(_ attempt: [UUID], clearing username: String?, since: Date) async throws {
        try await db.writeTransaction { db in
            try await LoginFailureModel.query(on: db).filter(\.$id ~~ attempt).delete()
            if let username { try await LoginFailureModel.query(on: db).filter(\.$key == "user:\(username)").delete() }
            try await LoginFailureModel.query(on: db).filter(\.$failedAt < since).delete()
        }
    }

    private func failures(for key: String, since: Date, on db: any Database) async throws -> [Date] {
        try await LoginFailureModel.query(on: db)
            .filter(\.$key == key).filter(\.$failedAt > since)
            .all().map(\.failedAt)
    }
}
