import Fluent
import SQLKit

struct CreateAuditEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema)
            .id()
            .field("occurred_at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string)
            .field("action", .string, .required)
            .field("target", .string)
            .field("detail", .string)
            .field("client_address", .string)
            .create()
        try await (database as! any SQLDatabase)
            .create(index: "audit_events_occurred_at").on(AuditEventModel.schema).column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema).delete()
    }
}
