import Foundation
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import VaporCSQLite

/// A read-only SQLite connection to the database file, for the reads that go through many rows
/// (an export of every contact): rows are read with SQLite's own API, one batch per trip to
/// NIO's thread pool, instead of a `SQLiteRow` per row decoded through `Codable`.
///
/// One reader serves one export, one batch at a time. With the write-ahead log it never waits
/// for a writer; each batch sees what was committed when it started, as through Fluent.
final class SQLiteFileReader: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        let message: String
        var description: String { "SQLite \(code): \(message)" }
    }

    /// The current row of a statement, read by column position.
    struct Row {
        fileprivate let statement: OpaquePointer

        /// The column's text, `nil` when it is NULL.
        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }

        /// The column's bytes (text as UTF-8), empty when NULL.
        func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else {
                return .init(start: nil, count: 0)
            }
            return UnsafeBufferPointer(start: bytes, count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))
        }
    }

    private let handle: OpaquePointer

    init(path: String) throws {
        handle = try Self.openReadOnly(path, busyTimeoutMilliseconds: 5_000)
    }

    /// A read-only connection to `path`, for use by one thread at a time.
    static func openReadOnly(_ path: String, busyTimeoutMilliseconds: Int32) throws -> OpaquePointer {
        var handle: OpaquePointer?
        let opened = sqlite_nio_sqlite3_open_v2(
            path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? ""
            sqlite_nio_sqlite3_close(handle)
            throw Failure(code: opened, message: message)
        }
        sqlite_nio_sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        return handle
    }

    deinit {
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs `query` (serialised for `database`'s dialect, binds encoded as Fluent encodes them)
    /// on NIO's thread pool and maps each row with `read`.
    func rows<T: Sendable>(
        _ query: SQLQueryString, dialectOf database: any SQLDatabase,
        _ read: @escaping @Sendable (Row) throws -> T
    ) async throws -> [T] {
        try await startRows(query, dialectOf: database, read).get()
    }

    /// `rows`, handed to the thread pool at once: the caller goes on with other work meanwhile.
    func startRows<T: Sendable>(
        _ query: SQLQueryString, dialectOf database: any SQLDatabase,
        _ read: @escaping @Sendable (Row) throws -> T
    ) -> EventLoopFuture<[T]> {
        var serializer = SQLSerializer(database: database)
        query.serialize(to: &serializer)
        let sql = serializer.sql
        let eventLoop = database.eventLoop
        do {
            let encoder = SQLiteDataEncoder()
            let binds = try serializer.binds.map { try encoder.encode($0) }
            return NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { try self.run(sql, binds, read) }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    private func run<T>(_ sql: String, _ binds: [SQLiteData], _ read: (Row) throws -> T) throws -> [T] {
        var prepared: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, 0, &prepared, nil)
        guard status == SQLITE_OK, let statement = prepared else { throw failure(status) }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        for (index, bind) in binds.enumerated() {
            let position = Int32(index + 1)
            let bound: Int32 =
                switch bind {
                case .integer(let value): sqlite_nio_sqlite3_bind_int64(statement, position, Int64(value))
                case .float(let value): sqlite_nio_sqlite3_bind_double(statement, position, value)
                case .text(let value): sqlite_nio_sqlite3_bind_text(statement, position, value, -1, sqliteTransient)
                case .blob(let value):
                    value.withUnsafeReadableBytes {
                        sqlite_nio_sqlite3_bind_blob(
                            statement, position, $0.baseAddress, Int32($0.count), sqliteTransient)
                    }
                case .null: sqlite_nio_sqlite3_bind_null(statement, position)
                }
            guard bound == SQLITE_OK else { throw failure(bound) }
        }
        var rows: [T] = []
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { return rows }
            guard step == SQLITE_ROW else { throw failure(step) }
            rows.append(try read(Row(statement: statement)))
        }
    }

    private func failure(_ code: Int32) -> Failure {
        Failure(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }
}

/// SQLite copies a bound value before the call returns.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
