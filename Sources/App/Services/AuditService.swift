import Fluent
import Foundation
import SwitchboardCore

/// What the audit log records. The raw value is stored and names the translation `audit.action.*`.
enum AuditAction: String, CaseIterable, Sendable {
    case signInSucceeded = "sign_in.success"
    case signInFailed = "sign_in.failure"
    case signInThrottled = "sign_in.throttled"
    case signOut = "sign_out"
    case userCreated = "user.create"
    case userUpdated = "user.update"
    case userDeleted = "user.delete"
    case passwordReset = "user.password_reset"
    case passwordChanged = "user.password_change"
    case forwardingChanged = "forwarding.update"
    case callRequested = "call.originate"
    case contactsDeleted = "contacts.delete"
    case contactsDeletedAll = "contacts.delete_all"
    case contactsImported = "contacts.import"
    case contactsExported = "contacts.export"
    case contactGroupCreated = "contact_group.create"
    case contactGroupUpdated = "contact_group.update"
    case contactGroupDeleted = "contact_group.delete"
    case groupRightsChanged = "contact_group.rights"
    case linkedSourceConfigured = "contact_group.linked_source"
    case linkedSyncRequested = "contact_group.sync"
    case directoryPublished = "contact_group.directory_publish"
    case directoryUnpublished = "contact_group.directory_unpublish"
    case directoryCredentialsChanged = "contact_group.directory_credentials"
    case tokenCreated = "token.create"
    case tokenRevoked = "token.revoke"
    case pbxTokenCreated = "pbx_token.create"
    case pbxTokenRevoked = "pbx_token.revoke"
    case twoFactorEnabled = "two_factor.enable"
    case twoFactorDisabled = "two_factor.disable"
    case twoFactorReset = "two_factor.reset"
    case twoFactorRecoveryCodes = "two_factor.recovery_codes"
    case twoFactorPolicyChanged = "two_factor.policy"
    case twoFactorFailed = "two_factor.failure"
}

struct AuditService {
    let db: any Database

    func record(
        _ action: AuditAction, by actor: Actor?, target: String? = nil, detail: String? = nil,
        clientAddress: String? = nil
    ) async throws {
        try await AuditEventModel(
            actorID: actor?.user.id, actorName: actor?.user.username, action: action.rawValue,
            target: target.map(SecretRedaction.redacted), detail: detail.map(SecretRedaction.redacted),
            clientAddress: clientAddress ?? actor?.clientAddress
        ).create(on: db)
    }

    /// Removes events older than `days` days (the retention), a few thousand per transaction so that writers are not
    /// held back; how many were removed.
    func purge(olderThanDays days: Int, now: Date = Date()) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        var removed = 0
        while true {
            let batch = try await db.writeTransaction { db in
                let ids = try await AuditEventModel.query(on: db).filter(\.$occurredAt < cutoff)
                    .limit(Self.purgeBatch).all(\.$id)
                if !ids.isEmpty { try await AuditEventModel.query(on: db).filter(\.$id ~~ ids).delete() }
                return ids.count
            }
            removed += batch
            // Stopping the server does not wait for a long first purge: the next round goes on.
            if batch < Self.purgeBatch || Task.isCancelled { return removed }
        }
    }

    static let purgeBatch = 2_000

    struct Page {
        let events: [AuditEventModel]
        let page: Int
        let hasMore: Bool
    }

    /// Newest first, `perPage` at a time.
    func list(page: Int, perPage: Int = 50, by actor: Actor) async throws -> Page {
        try actor.require(.viewAuditLog)
        let page = max(1, page)
        let events = try await AuditEventModel.query(on: db)
            .sort(\.$occurredAt, .descending)
            .range(((page - 1) * perPage)..<(page * perPage + 1))
            .all()
        return Page(events: Array(events.prefix(perPage)), page: page, hasMore: events.count > perPage)
    }
}
