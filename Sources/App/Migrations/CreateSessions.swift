import Fluent
import SQLKit

/// Sessions with an expiry (`SessionModel`). Sessions of the former table are not carried over: everyone signs in
/// once more after the upgrade.
struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SessionModel.schema)
            .id()
            .field("key", .string, .required)
            .field("data", .json, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await (database as! any SQLDatabase)
            .create(index: "sessions_expires_at").on(SessionModel.schema).column("expires_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SessionModel.schema).delete()
    }
}
