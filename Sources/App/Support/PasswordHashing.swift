import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// bcrypt on threads of its own, a bounded number at a time. On the application's thread pool it competed with
/// SQLite's calls: a burst of 60 sign-ins left no thread for the database, requests failed with connection-pool
/// time-outs (500) and a signed-in bystander waited 15 s. Here at most `threads` hashes run and `queue` more wait;
/// beyond that a request is told at once to come back (`busy`, 503 with Retry-After), never kept or failed.
final class PasswordHashing: Sendable {
    private let pool: NIOThreadPool
    private let hasher: any PasswordHasher
    private let admitted = NIOLockedValueBox(0)
    private let capacity: Int

    init(hasher: any PasswordHasher, threads: Int = System.coreCount, queue: Int = 32) {
        self.hasher = hasher
        self.capacity = threads + queue
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    func verify(_ password: String, created digest: String) async throws -> Bool {
        try await run { [hasher] in try hasher.verify(password, created: digest) }
    }

    func hash(_ password: String) async throws -> String {
        try await run { [hasher] in try hasher.hash(password) }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let entered = admitted.withLockedValue { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard entered else { throw SwitchboardError.busy }
        defer { admitted.withLockedValue { $0 -= 1 } }
        return try await pool.runIfActive(work)
    }

    func shutdown() async throws { try await pool.shutdownGracefully() }
}

/// Stops the hashing threads with the application.
struct PasswordHashingShutdown: LifecycleHandler {
    let hashing: PasswordHashing

    func shutdownAsync(_ application: Application) async {
        try? await hashing.shutdown()
    }
}
