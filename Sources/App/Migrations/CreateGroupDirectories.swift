import Fluent

/// Publishing a contact group as a desk-phone directory: on/off, its HTTP Basic user name and
/// password hash. One row per published (or once published) group.
struct CreateGroupDirectories: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GroupDirectoryModel.schema)
            .id()
            .field("group_id", .uuid, .required, .references(ContactGroupModel.schema, "id", onDelete: .cascade))
            .field("is_enabled", .bool, .required)
            .field("username", .string, .required)
            .field("password_hash", .string)
            .field("updated_at", .datetime)
            .unique(on: "group_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GroupDirectoryModel.schema).delete()
    }
}
