import Fluent
import SwitchboardCore
import Vapor

/// Personal API tokens: the secret is shown once; only its SHA-256 is stored.
struct TokenService {
    let db: any Database

    static let secretPrefix = "sb_"

    func list(for actor: Actor) async throws -> [APITokenModel] {
        try await APITokenModel.query(on: db)
            .filter(\.$user.$id == actor.user.requireID())
            .sort(\.$createdAt, .descending)
            .all()
    }

    /// Returns the stored token and its secret, which cannot be recovered later.
    func create(name: String, for actor: Actor) async throws -> (token: APITokenModel, secret: String) {
        let name = try rule { try AccountRules.normalizedTokenName(name) }
        let secret = Self.secretPrefix + Self.randomURLSafe(bytes: 32)
        let token = APITokenModel(
            userID: try actor.user.requireID(), name: name, kind: .personal, tokenHash: Self.digest(secret),
            prefix: String(secret.prefix(10)))
        try await db.writeTransaction { db in
            try await token.create(on: db)
            try await AuditService(db: db).record(.tokenCreated, by: actor, target: actor.user.username, detail: name)
        }
        return (token, secret)
    }

    func revoke(_ id: UUID, for actor: Actor) async throws {
        guard
            let token = try await APITokenModel.query(on: db)
                .filter(\.$id == id).filter(\.$user.$id == actor.user.requireID()).first()
        else { throw SwitchboardError.notFound }
        try await db.writeTransaction { db in
            try await token.delete(on: db)
            try await AuditService(db: db).record(
                .tokenRevoked, by: actor, target: actor.user.username, detail: token.name)
        }
    }

    /// The owner of a presented secret, or `nil` for an unknown or malformed one.
    func authenticate(secret: String, kind: APITokenModel.Kind) async throws -> (UserModel, APITokenModel)? {
        guard secret.hasPrefix(Self.secretPrefix), secret.count < 200 else { return nil }
        guard
            let token = try await APITokenModel.query(on: db)
                .filter(\.$tokenHash == Self.digest(secret)).filter(\.$kind == kind)
                .with(\.$user).first()
        else { return nil }
        // Recording every use would write on every request; a minute's precision is enough.
        if (token.lastUsedAt ?? .distantPast) < Date().addingTimeInterval(-60) {
            token.lastUsedAt = Date()
            try await token.save(on: db)
        }
        return (token.user, token)
    }

    static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hex
    }

    static func randomURLSafe(bytes count: Int) -> String {
        let bytes = [UInt8].random(count: count)
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
