import Foundation
import Testing
import Vapor

@testable import App

/// Where a test's application keeps its data: the database the run is configured with (SQLite in
/// memory or PostgreSQL), or an SQLite file, where the readers that bypass Fluent for speed — the
/// caller-ID lookup (`NumberKeyReader`) and exports (`SQLiteFileReader`) — read the file directly.
enum Storage: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case configured
    case sqliteFile

    var testDescription: String { rawValue }
}

/// `withApp` on `storage`; an SQLite file is a new temporary one, removed afterwards.
func withApp(
    on storage: Storage, config: AppConfig = TestEnvironment.config(), _ test: (Application) async throws -> Void
) async throws {
    guard storage == .sqliteFile else { return try await withApp(config: config, test) }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("sb-\(UUID()).sqlite").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } }
    var config = config
    config.database = .sqliteFile(file)
    try await withApp(config: config) { app in
        #expect(app.sqliteFile != nil)
        try await test(app)
    }
}
