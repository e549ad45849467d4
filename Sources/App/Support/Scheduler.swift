import Fluent
import Vapor

/// Background work while `serve` runs, checked every minute: linked groups due for synchronisation, each at its own
/// interval, and the audit log's retention (`SWITCHBOARD_AUDIT_RETENTION_DAYS`). Each round runs on one instance at a
/// time when several share a database (`Database.exclusively`). Other commands (`migrate`, `user`…) never run it.
final class Scheduler: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?
    let syncLinkedGroups: Bool

    init(syncLinkedGroups: Bool) { self.syncLinkedGroups = syncLinkedGroups }

    func didBootAsync(_ application: Application) async throws {
        let command = application.environment.arguments.dropFirst().first
        guard command == nil || command == "serve" else { return }
        let round = Self.round(application, syncLinkedGroups: syncLinkedGroups)
        let logger = application.logger
        let metrics = SwitchboardMetrics(registry: application.metrics)
        task = Task {
            while !Task.isCancelled {
                do {
                    let ran = try await SwitchboardMetrics.$current.withValue(metrics) {
                        try await application.db.exclusively("scheduler") {
                            try await round()
                            return true
                        }
                    }
                    if ran == nil {
                        logger.debug("Scheduled round skipped: another instance is running it")
                    }
                } catch {
                    logger.warning("Scheduled work failed: \(String(describing: error))")
                }
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }

    /// One round of everything due.
    static func round(_ application: Application, syncLinkedGroups: Bool) -> @Sendable () async throws -> Void {
        let logger = application.logger
        let db = application.db
        let retentionDays = application.config.auditRetentionDays
        let linked = application.linkedSourceService(on: db)
        return {
            if syncLinkedGroups {
                do {
                    let count = try await linked.syncDue()
                    if count > 0 { logger.info("Synchronised \(count) linked contact group(s)") }
                } catch {
                    logger.warning("Scheduled synchronisation of linked groups failed: \(String(describing: error))")
                }
            }
            if let retentionDays {
                let purged = try await AuditService(db: db).purge(olderThanDays: retentionDays)
                if purged > 0 { logger.info("Audit log: \(purged) event(s) older than \(retentionDays) days removed") }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }
}
