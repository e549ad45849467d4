import Fluent
import SQLKit

/// Linked contact groups' CardDAV sources and the cards synchronised from them.
struct CreateLinkedSources: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LinkedSourceModel.schema)
            .id()
            .field("group_id", .uuid, .required, .references(ContactGroupModel.schema, "id", onDelete: .cascade))
            .field("server_url", .string, .required)
            .field("address_book_url", .string)
            .field("discovered_books", .string)
            .field("auth_kind", .string, .required)
            .field("username", .string, .required)
            .field("secret_sealed", .string)
            .field("oauth_client_id", .string)
            .field("oauth_client_secret_sealed", .string)
            .field("oauth_token_url", .string)
            .field("interval_minutes", .int, .required)
            .field("sync_token", .string)
            .field("ctag", .string)
            .field("last_attempt_at", .datetime)
            .field("last_success_at", .datetime)
            .field("last_created", .int, .required)
            .field("last_updated", .int, .required)
            .field("last_deleted", .int, .required)
            .field("last_failed", .int, .required)
            .field("last_error_code", .string)
            .field("last_error_detail", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "group_id")
            .create()
        try await database.schema(LinkedCardModel.schema)
            .id()
            .field("source_id", .uuid, .required, .references(LinkedSourceModel.schema, "id", onDelete: .cascade))
            .field("contact_id", .uuid, .required, .references(ContactModel.schema, "id", onDelete: .cascade))
            .field("href", .string, .required)
            .field("etag", .string, .required)
            .unique(on: "source_id", "href")
            .create()
        // Deleting contacts checks this foreign key: without an index PostgreSQL would scan the table per contact.
        try await (database as! any SQLDatabase).create(index: "linked_cards_contact").on(LinkedCardModel.schema)
            .column("contact_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LinkedCardModel.schema).delete()
        try await database.schema(LinkedSourceModel.schema).delete()
    }
}
