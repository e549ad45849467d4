import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

enum TestEnvironment {
    static let adminPassword = "admin-password-1"

    /// `DATABASE_URL` in the environment (PostgreSQL pass of `make test`), else an in-memory SQLite.
    static var database: AppConfig.Database {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], url.hasPrefix("postgres") {
            return .postgres(url)
        }
        return .sqliteMemory
    }

    /// Linked groups may reach 127.0.0.1 (Radicale and the OAuth gateway of the tests listen there).
    static func config(database: AppConfig.Database = database) -> AppConfig {
        var config = AppConfig(
            host: "127.0.0.1", port: 0, database: database, adminPassword: adminPassword, secureCookies: false,
            autoMigrate: true, bcryptCost: 4)
        config.carddavAllowPrivate = true
        return config
    }
}

/// Migrate → test → revert → shut down, on a fresh application.
func withApp(
    config: AppConfig = TestEnvironment.config(), revert: Bool = true, _ test: (Application) async throws -> Void
) async throws {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, config: config)
        try await test(app)
        if revert { try await app.autoRevert() }
    } catch {
        // PostgreSQL errors hide their details from `description`.
        Issue.record("\(String(reflecting: error))")
        try? await app.autoRevert()
        try await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}
