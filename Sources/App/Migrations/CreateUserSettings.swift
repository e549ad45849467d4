import Fluent

/// Profile, photo and forwarding rules of users (the settings pages).
struct CreateUserSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserProfileModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("department", .string)
            .field("email", .string)
            .field("street", .string)
            .field("postal_code", .string)
            .field("city", .string)
            .field("region", .string)
            .field("country", .string)
            .field("external_number", .string)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
        try await database.schema(UserPhotoModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("png", .data, .required)
            .field("width", .int, .required)
            .field("height", .int, .required)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
        try await database.schema(ForwardingRuleModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("enabled", .bool, .required)
            .field("destination_kind", .string)
            .field("destination_value", .string)
            .field("rings", .int, .required)
            .field("updated_at", .datetime)
            .unique(on: "user_id", "kind")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ForwardingRuleModel.schema).delete()
        try await database.schema(UserPhotoModel.schema).delete()
        try await database.schema(UserProfileModel.schema).delete()
    }
}
