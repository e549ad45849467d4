import Fluent
import SwitchboardCore
import Vapor

/// Checks credentials with throttling per account and per client address.
struct SignInService {
    let db: any Database
    let hasher: AsyncPasswordHasher
    let throttle: LoginThrottle
    /// A digest of the configured cost that no password matches: verifying against it for unknown
    /// usernames keeps the answer time the same whether or not the account exists.
    let decoyDigest: String

    func signIn(username rawUsername: String, password: String, clientAddress: String?, now: Date = Date())
        async throws -> UserModel
    {
        let username = rawUsername.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let accountKey = "user:\(username)"
        let addressKey = "ip:\(clientAddress ?? "unknown")"
        let since = throttle.windowStart(now: now)
        async let accountFailures = failures(for: accountKey, since: since)
        async let addressFailures = failures(for: addressKey, since: since)
        if let wait = throttle.wait(
            accountFailures: try await accountFailures, addressFailures: try await addressFailures, now: now)
        {
            try await AuditService(db: db).record(
                .signInThrottled, by: nil, target: username, clientAddress: clientAddress)
            throw SwitchboardError.tooManyAttempts(seconds: Int(wait.rounded(.up)))
        }

        let user = try await UserModel.find(username: username, on: db)
        let verified = try await hasher.verify(password, created: user?.passwordHash ?? decoyDigest).get()
        guard let user, verified else {
            try await db.writeTransaction { db in
                try await LoginFailureModel(key: accountKey, failedAt: now).create(on: db)
                try await LoginFailureModel(key: addressKey, failedAt: now).create(on: db)
                try await AuditService(db: db).record(
                    .signInFailed, by: nil, target: username, clientAddress: clientAddress)
            }
            throw SwitchboardError.wrongCredentials
        }
        try await LoginFailureModel.query(on: db).filter(\.$key == accountKey).delete()
        try await LoginFailureModel.query(on: db).filter(\.$failedAt < since).delete()
        try await AuditService(db: db).record(
            .signInSucceeded, by: Actor(user: user, clientAddress: clientAddress), target: username)
        return user
    }

    private func failures(for key: String, since: Date) async throws -> [Date] {
        try await LoginFailureModel.query(on: db)
            .filter(\.$key == key).filter(\.$failedAt > since)
            .all().map(\.failedAt)
    }
}
