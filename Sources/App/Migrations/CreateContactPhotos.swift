import Fluent

/// Contact photos (PNG or JPEG), one per contact, kept apart from the contacts so that lists
/// never read them.
struct CreateContactPhotos: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContactPhotoModel.schema)
            .id()
            .field("contact_id", .uuid, .required, .references(ContactModel.schema, "id", onDelete: .cascade))
            .field("media_type", .string, .required)
            .field("data", .data, .required)
            .field("width", .int, .required)
            .field("height", .int, .required)
            .field("updated_at", .datetime)
            .unique(on: "contact_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ContactPhotoModel.schema).delete()
    }
}
