import Vapor

/// Synchronises linked groups in the background, each at its own interval, while `serve` runs.
/// Checks every minute which groups are due; other commands (`migrate`, `user`…) never sync.
final class LinkedSyncScheduler: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBootAsync(_ application: Application) async throws {
        let command = application.environment.arguments.dropFirst().first
        guard command == nil || command == "serve" else { return }
        let service = application.linkedSourceService(on: application.db)
        let logger = application.logger
        task = Task {
            while !Task.isCancelled {
                do {
                    let count = try await service.syncDue()
                    if count > 0 { logger.info("Synchronised \(count) linked contact group(s)") }
                } catch {
                    logger.warning("Scheduled synchronisation of linked groups failed: \(String(describing: error))")
                }
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }
}
