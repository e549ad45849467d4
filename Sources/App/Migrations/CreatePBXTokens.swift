import Fluent

struct CreatePBXTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PBXTokenModel.schema)
            .id()
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("prefix", .string, .required)
            .field("created_by", .string)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PBXTokenModel.schema).delete()
    }
}
