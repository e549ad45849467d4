import FluentKit
import SQLKit

extension Database {
    /// A transaction that writes. On SQLite it becomes the writer before its first statement: a transaction that
    /// reads before it writes fails at once with SQLITE_BUSY when another connection commits in between (SQLite cannot
    /// wait for a snapshot to become current), so a burst of concurrent changes lost some with an error. Holding the
    /// write lock from the start, the others wait their turn (SQLiteNIO's busy handler). PostgreSQL is unchanged: its
    /// row locks and atomic updates (`GroupMemberCount`) keep concurrent writers apart. Every service writes through
    /// here; a test fails when one calls `transaction` directly.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction { db in
            try await db.takeWriteLock()
            return try await body(db)
        }
    }

    /// On SQLite, makes the current transaction the writer at once (a write that changes nothing takes the lock).
    func takeWriteLock() async throws {
        guard let sql = self as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("DELETE FROM contacts WHERE 0").run()
    }
}

extension Database {
    /// Within a transaction: one transaction at a time per key. On PostgreSQL an advisory lock per key, held until
    /// commit (keys in sorted order, so two transactions never wait on each other); SQLite's write lock, taken by
    /// `writeTransaction`, already does it.
    func serializeTransactions(on keys: [String]) async throws {
        guard let sql = self as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        for key in keys.sorted() {
            try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: key)))").run()
        }
    }
}

extension Database {
    /// Runs `body` unless another instance of Switchboard on the same database is running work of the same `name`;
    /// `nil` when it is. On PostgreSQL a session advisory lock on a connection held for the time of `body` (two
    /// instances behind a proxy: one runs a scheduled round, the other skips it; if the instance holding it dies, its
    /// connection closes and the lock goes with it). SQLite serves one instance: `body` runs.
    func exclusively<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await advisoryLocked(name, waiting: false, body)
    }

    /// Runs `body` when no other instance on the same database runs work of the same `name`, waiting for its turn
    /// (PostgreSQL; SQLite serves one instance): two instances started at once migrate one after the other.
    func oneAtATime<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await advisoryLocked(name, waiting: true, body)!
    }

    private func advisoryLocked<T: Sendable>(
        _ name: String, waiting: Bool, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        guard let sql = self as? any SQLDatabase, sql.dialect.name == "postgresql" else { return try await body() }
        // The body runs in a task of its own (Fluent's connection hand-over): task-local values are passed on.
        let metrics = SwitchboardMetrics.current
        return try await withConnection { connection in
            let held = connection as! any SQLDatabase
            let key: SQLQueryString = "hashtext(\(bind: "switchboard:" + name))"
            if waiting {
                try await held.raw("SELECT pg_advisory_lock(\(key))").run()
            } else {
                guard
                    try await held.raw("SELECT pg_try_advisory_lock(\(key)) AS taken").first()?
                        .decode(column: "taken", as: Bool.self) == true
                else { return nil }
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await SwitchboardMetrics.$current.withValue(metrics) { try await body() })
            } catch {
                result = .failure(error)
            }
            // The connection goes back to the pool: it must not keep the lock (a pooled connection would hold it for
            // ever, and the other instances would skip every round). If unlocking fails, every lock of the session goes.
            let released =
                (try? await held.raw("SELECT pg_advisory_unlock(\(key)) AS released").first()?
                    .decode(column: "released", as: Bool.self)) ?? false
            if !released { try await held.raw("SELECT pg_advisory_unlock_all()").run() }
            return try result.get()
        }
    }
}
