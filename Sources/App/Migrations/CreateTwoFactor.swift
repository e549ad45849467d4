import Fluent

/// Two-factor sign-in: authenticators, remembered browsers, and the table of settings an admin changes on the pages
/// (which roles must use two-factor sign-in).
struct CreateTwoFactor: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TwoFactorModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("secret", .string, .required)
            .field("confirmed_at", .datetime)
            .field("last_step", .int64, .required)
            .field("recovery_digests", .string, .required)
            .unique(on: "user_id")
            .create()
        try await database.schema(RememberedBrowserModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("digest", .string, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "digest")
            .create()
        try await database.schema(AppSettingModel.schema)
            .id()
            .field("key", .string, .required)
            .field("value", .string, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AppSettingModel.schema).delete()
        try await database.schema(RememberedBrowserModel.schema).delete()
        try await database.schema(TwoFactorModel.schema).delete()
    }
}
