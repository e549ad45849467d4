import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Vapor

/// Two-factor sign-in (TOTP, RFC 6238): enrolment with a QR code, ten one-time recovery codes (only their digests are
/// kept), browsers remembered for 30 days, an admin's reset, and the roles that must use it. A code is good once: the
/// step it belongs to is remembered. Wrong codes count against the sign-in throttle like wrong passwords.
struct TwoFactorService {
    let db: any Database
    static let recoveryCodeCount = 10
    static let rememberFor: TimeInterval = 30 * 24 * 3600
    static let policyKey = "two_factor.required_roles"

    func authenticator(of userID: UUID) async throws -> TwoFactorModel? {
        try await TwoFactorModel.query(on: db).filter(\.$user.$id == userID).first()
    }

    /// Whether signing in as `userID` asks for a code.
    func isEnabled(for userID: UUID) async throws -> Bool {
        try await authenticator(of: userID)?.confirmedAt != nil
    }

    // MARK: enrolment

    /// A new secret, not yet in force: the user must type a first code (`confirm`).
    func begin(for actor: Actor) async throws -> TwoFactorModel {
        let userID = try actor.user.requireID()
        if let existing = try await authenticator(of: userID) {
            guard existing.confirmedAt == nil else { return existing }
            try await existing.delete(on: db)
        }
        let secret = Base32.encode([UInt8].random(count: 20))
        let model = TwoFactorModel(userID: userID, secret: secret)
        try await model.create(on: db)
        return model
    }

    /// Puts the pending secret in force when `code` is right; answers the recovery codes, shown once.
    func confirm(code: String, by actor: Actor, now: Date = Date()) async throws -> [String] {
        let userID = try actor.user.requireID()
        guard let model = try await authenticator(of: userID), model.confirmedAt == nil,
            let secret = Base32.decode(model.secret),
            let step = TOTP.matchingCounter(code, secret: secret, at: now)
        else { throw SwitchboardError.twoFactorCodeWrong }
        let codes = Self.newRecoveryCodes()
        model.confirmedAt = now
        model.lastStep = step
        model.recoveryDigests = try Self.digests(codes)
        try await db.writeTransaction { db in
            try await model.save(on: db)
            try await AuditService(db: db).record(.twoFactorEnabled, by: actor, target: actor.user.username)
        }
        return codes
    }

    /// New recovery codes instead of the old ones (which stop working).
    func regenerateRecoveryCodes(by actor: Actor) async throws -> [String] {
        guard let model = try await authenticator(of: actor.user.requireID()), model.confirmedAt != nil else {
            throw SwitchboardError.twoFactorNotEnabled
        }
        let codes = Self.newRecoveryCodes()
        model.recoveryDigests = try Self.digests(codes)
        try await db.writeTransaction { db in
            try await model.save(on: db)
            try await AuditService(db: db).record(.twoFactorRecoveryCodes, by: actor, target: actor.user.username)
        }
        return codes
    }

    /// Turns it off for oneself, proving it with a current code.
    func disable(code: String, by actor: Actor) async throws {
        let userID = try actor.user.requireID()
        guard try await verify(code, for: userID) else { throw SwitchboardError.twoFactorCodeWrong }
        try await remove(userID, audit: .twoFactorDisabled, by: actor, target: actor.user.username)
    }

    /// An admin's (or sub-admin's, for the users they manage) reset, for someone who lost their phone and codes.
    func reset(_ user: UserModel, by actor: Actor) async throws {
        try actor.require(.manageUser(role: user.role))
        // One's own second factor is turned off with a code (`disable`), never by a session alone.
        guard try user.requireID() != actor.user.requireID() else { throw SwitchboardError.forbidden }
        try await remove(try user.requireID(), audit: .twoFactorReset, by: actor, target: user.username)
    }

    private func remove(_ userID: UUID, audit: AuditAction, by actor: Actor, target: String) async throws {
        try await db.writeTransaction { db in
            try await TwoFactorModel.query(on: db).filter(\.$user.$id == userID).delete()
            try await RememberedBrowserModel.query(on: db).filter(\.$user.$id == userID).delete()
            try await AuditService(db: db).record(audit, by: actor, target: target)
        }
    }

    // MARK: signing in

    /// Whether `code` (six digits, or a recovery code) proves the user's second factor; a recovery code is used up.
    /// Each is taken by one conditional `UPDATE`: two requests racing with the same code cannot both win.
    func verify(_ code: String, for userID: UUID, now: Date = Date()) async throws -> Bool {
        guard let model = try await authenticator(of: userID), model.confirmedAt != nil,
            let secret = Base32.decode(model.secret)
        else { return false }
        let sql = db as! any SQLDatabase
        if let step = TOTP.matchingCounter(code, secret: secret, at: now) {
            let taken = try await sql.raw(
                """
                UPDATE two_factor SET last_step = \(bind: step) \
                WHERE user_id = \(bind: userID) AND last_step < \(bind: step) RETURNING last_step
                """
            ).first()
            return taken != nil
        }
        var digests = try JSONDecoder().decode([String].self, from: Data(model.recoveryDigests.utf8))
        guard let index = digests.firstIndex(of: TokenService.digest(Self.normalizedRecoveryCode(code))) else {
            return false
        }
        digests.remove(at: index)
        let remaining = String(decoding: try JSONEncoder().encode(digests), as: UTF8.self)
        let taken = try await sql.raw(
            """
            UPDATE two_factor SET recovery_digests = \(bind: remaining) \
            WHERE user_id = \(bind: userID) AND recovery_digests = \(bind: model.recoveryDigests) RETURNING last_step
            """
        ).first()
        return taken != nil
    }

    /// A browser to remember for `rememberFor`: the cookie's value (only its digest is stored).
    func remember(_ userID: UUID, now: Date = Date()) async throws -> String {
        let token = TokenService.randomURLSafe(bytes: 32)
        try await RememberedBrowserModel.query(on: db).filter(\.$expiresAt < now).delete()
        try await RememberedBrowserModel(
            userID: userID, digest: TokenService.digest(token), expiresAt: now.addingTimeInterval(Self.rememberFor)
        ).create(on: db)
        return token
    }

    /// Whether the browser's cookie `token` is remembered for `userID`.
    func isRemembered(_ token: String?, for userID: UUID, now: Date = Date()) async throws -> Bool {
        guard let token, !token.isEmpty else { return false }
        return try await RememberedBrowserModel.query(on: db).filter(\.$digest == TokenService.digest(token))
            .filter(\.$user.$id == userID).filter(\.$expiresAt > now).first() != nil
    }

    // MARK: policy

    func policy() async throws -> TwoFactorPolicy {
        let stored = try await AppSettingModel.query(on: db).filter(\.$key == Self.policyKey).first()?.value
        return TwoFactorPolicy(stored: stored ?? "")
    }

    func setPolicy(_ policy: TwoFactorPolicy, by actor: Actor) async throws {
        try actor.require(.changeSystemSettings)
        try await db.writeTransaction { db in
            if let setting = try await AppSettingModel.query(on: db).filter(\.$key == Self.policyKey).first() {
                setting.value = policy.stored
                try await setting.save(on: db)
            } else {
                try await AppSettingModel(key: Self.policyKey, value: policy.stored).create(on: db)
            }
            try await AuditService(db: db).record(
                .twoFactorPolicyChanged, by: actor, target: nil, detail: "roles=\(policy.stored)")
        }
    }

    // MARK: recovery codes

    /// Ten codes like `k7m2-x9qp-4hdn`: letters and digits that cannot be misread.
    static func newRecoveryCodes() -> [String] {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        return (0..<recoveryCodeCount).map { _ in
            (0..<3).map { _ in String((0..<4).map { _ in alphabet.randomElement()! }) }.joined(separator: "-")
        }
    }

    static func normalizedRecoveryCode(_ code: String) -> String {
        let bare = code.lowercased().filter { $0.isLetter || $0.isNumber }
        guard bare.count == 12 else { return bare }
        let characters = Array(bare)
        return [characters[0..<4], characters[4..<8], characters[8..<12]].map { String($0) }.joined(separator: "-")
    }

    private static func digests(_ codes: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(codes.map(TokenService.digest)), as: UTF8.self)
    }
}
