import Fluent
import SwitchboardCore
import Vapor

/// PBX API tokens: created and revoked by admins (page or `switchboard pbx-token`); they call
/// `/api/v1/pbx/*` and nothing else. The secret is shown once; only its SHA-256 is stored.
struct PBXTokenService {
    let db: any Database
    let cache: PBXTokenCache

    static let secretPrefix = "sbpbx_"

    func list() async throws -> [PBXTokenModel] {
        try await PBXTokenModel.query(on: db).sort(\.$createdAt, .descending).all()
    }

    /// `actor` is `nil` on the command line.
    func create(name: String, by actor: Actor?) async throws -> (token: PBXTokenModel, secret: String) {
        if let actor, actor.user.role != .admin { throw SwitchboardError.forbidden }
        let name = try rule { try AccountRules.normalizedTokenName(name) }
        let secret = Self.secretPrefix + TokenService.randomURLSafe(bytes: 32)
        let token = PBXTokenModel(
            name: name, tokenHash: TokenService.digest(secret), prefix: String(secret.prefix(12)),
            createdBy: actor?.user.username)
        try await db.writeTransaction { db in
            try await token.create(on: db)
            try await AuditService(db: db).record(.pbxTokenCreated, by: actor, target: name)
        }
        return (token, secret)
    }

    func revoke(_ id: UUID, by actor: Actor?) async throws {
        if let actor, actor.user.role != .admin { throw SwitchboardError.forbidden }
        guard let token = try await PBXTokenModel.find(id, on: db) else { throw SwitchboardError.notFound }
        try await db.writeTransaction { db in
            try await token.delete(on: db)
            try await AuditService(db: db).record(.pbxTokenRevoked, by: actor, target: token.name)
        }
        cache.forget(token.tokenHash)
    }

    /// Whether a presented secret is a PBX token checked lately (`authenticate` remembers them for a few seconds):
    /// answered without a database handle, as most of a PBX's questions are.
    static func isRecentlyChecked(secret: String, in cache: PBXTokenCache) -> Bool {
        digest(of: secret).map(cache.knows) ?? false
    }

    /// The stored digest of a presented secret; `nil` when it cannot be a PBX token.
    private static func digest(of secret: String) -> String? {
        guard secret.hasPrefix(secretPrefix), secret.count < 200 else { return nil }
        return TokenService.digest(secret)
    }

    /// Whether a presented secret is a PBX token; answered from memory for a few seconds.
    func authenticate(secret: String) async throws -> Bool {
        guard let digest = Self.digest(of: secret) else { return false }
        if cache.knows(digest) { return true }
        guard let token = try await PBXTokenModel.query(on: db).filter(\.$tokenHash == digest).first() else {
            return false
        }
        token.lastUsedAt = Date()
        try await token.save(on: db)
        cache.remember(digest)
        return true
    }
}

/// Valid PBX token digests seen in the last `lifetime` seconds, so that the PBX's requests do not
/// each read the tokens table. A revoked token is forgotten at once on this instance, and within
/// `lifetime` on the others.
final class PBXTokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [String: Date] = [:]
    let lifetime: TimeInterval

    init(lifetime: TimeInterval = 10) { self.lifetime = lifetime }

    func knows(_ digest: String) -> Bool {
        lock.withLock {
            guard let until = known[digest] else { return false }
            if until > Date() { return true }
            known[digest] = nil
            return false
        }
    }

    func remember(_ digest: String) {
        lock.withLock { known[digest] = Date().addingTimeInterval(lifetime) }
    }

    func forget(_ digest: String) {
        lock.withLock { known[digest] = nil }
    }
}
