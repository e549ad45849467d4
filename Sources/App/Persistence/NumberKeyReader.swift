import Foundation
import NIOConcurrencyHelpers
import VaporCSQLite

/// Reads the contacts whose number keys are among a few keys straight from the SQLite file, on
/// the calling thread: the caller-ID lookup runs at every incoming call, and SQLiteNIO's way —
/// a hop to its thread pool and back — costs more than the indexed read itself.
///
/// Each connection is read-only and used by one caller at a time (taken from a small pool).
/// With the write-ahead log a reader never waits for a writer and sees every committed write,
/// so there is nothing to invalidate. Any SQLite error is thrown; the caller then asks through
/// Fluent instead.
final class NumberKeyReader: Sendable {
    /// Keys per question: `CallerIDMatcher.searchKeys` gives at most three.
    static let maximumKeys = 3

    typealias Failure = SQLiteFileReader.Failure

    /// How many questions were answered from the file, and how many failed (and went to Fluent).
    struct Statistics: Sendable {
        var read = 0
        var failed = 0
    }

    private let path: String
    private let idle = NIOLockedValueBox<[Connection]>([])
    private let counts = NIOLockedValueBox(Statistics())

    var statistics: Statistics { counts.withLockedValue { $0 } }

    init(path: String) { self.path = path }

    deinit {
        for connection in idle.withLockedValue({ $0 }) { connection.close() }
    }

    /// `(number on file, display name)` of every contact having one of `keys` (at most 200).
    func candidates(keys: [String]) throws -> [(number: String, name: String)] {
        // More keys than the statement has places: the caller asks through Fluent (no trap at a call).
        guard !keys.isEmpty, keys.count <= Self.maximumKeys else {
            throw Failure(code: 0, message: "\(keys.count) number keys for \(Self.maximumKeys) places")
        }
        var connection: Connection?
        do {
            let taken = try idle.withLockedValue { $0.popLast() } ?? Connection(path: path)
            connection = taken
            let rows = try taken.candidates(keys: keys)
            idle.withLockedValue { $0.append(taken) }
            counts.withLockedValue { $0.read += 1 }
            return rows
        } catch {
            connection?.close()
            counts.withLockedValue { $0.failed += 1 }
            throw error
        }
    }

    /// One read-only SQLite connection and its prepared statement.
    private final class Connection: @unchecked Sendable {
        private let handle: OpaquePointer
        private let statement: OpaquePointer

        init(path: String) throws {
            // A reader in write-ahead-log mode only waits while SQLite recovers the log: briefly.
            let handle = try SQLiteFileReader.openReadOnly(path, busyTimeoutMilliseconds: 100)
            var statement: OpaquePointer?
            let prepared = sqlite_nio_sqlite3_prepare_v3(
                handle,
                """
                SELECT k.number, c.display_name
                FROM contact_number_keys k JOIN contacts c ON c.id = k.contact_id
                WHERE k.key IN (?1, ?2, ?3) LIMIT 200
                """, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard prepared == SQLITE_OK, let statement else {
                let failure = Failure(code: prepared, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
                sqlite_nio_sqlite3_close(handle)
                throw failure
            }
            self.handle = handle
            self.statement = statement
        }

        func close() {
            sqlite_nio_sqlite3_finalize(statement)
            sqlite_nio_sqlite3_close(handle)
        }

        func candidates(keys: [String]) throws -> [(number: String, name: String)] {
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for index in 0..<NumberKeyReader.maximumKeys {
                // Fewer keys than places: the last key again (an IN list ignores repeats).
                let key = keys[min(index, keys.count - 1)]
                let bound = sqlite_nio_sqlite3_bind_text(statement, Int32(index + 1), key, -1, sqliteTransient)
                guard bound == SQLITE_OK else { throw failure(bound) }
            }
            var rows: [(number: String, name: String)] = []
            while true {
                let step = sqlite_nio_sqlite3_step(statement)
                if step == SQLITE_DONE { return rows }
                guard step == SQLITE_ROW else { throw failure(step) }
                rows.append((number: text(0), name: text(1)))
            }
        }

        private func text(_ column: Int32) -> String {
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else { return "" }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }

        private func failure(_ code: Int32) -> Failure {
            Failure(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
        }
    }
}
