import Fluent

/// The OAuth access token of a linked source, sealed, and when it expires: one exchange of the
/// refresh token serves every synchronisation until then. One column per statement (SQLite).
struct UpdateLinkedSourcesAddAccessToken: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LinkedSourceModel.schema).field("oauth_access_token_sealed", .string).update()
        try await database.schema(LinkedSourceModel.schema).field("oauth_access_token_expires_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LinkedSourceModel.schema).deleteField("oauth_access_token_expires_at").update()
        try await database.schema(LinkedSourceModel.schema).deleteField("oauth_access_token_sealed").update()
    }
}
