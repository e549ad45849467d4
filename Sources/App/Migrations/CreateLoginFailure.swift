import Fluent
import SQLKit

struct CreateLoginFailure: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginFailureModel.schema)
            .id()
            .field("throttle_key", .string, .required)
            .field("failed_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase)
            .create(index: "login_failures_key").on(LoginFailureModel.schema).column("throttle_key").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginFailureModel.schema).delete()
    }
}
