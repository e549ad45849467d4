import Fluent
import SQLKit

/// Caller-ID keys of every contact number (kept by `ContactNumberKeys` wherever contacts are
/// written), filled here for the contacts already stored.
struct CreateContactNumberKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContactNumberKeyModel.schema)
            .id()
            .field("contact_id", .uuid, .required, .references(ContactModel.schema, "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("number", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "contact_number_keys_key").on(ContactNumberKeyModel.schema)
            .column("key").column("contact_id").run()
        try await sql.create(index: "contact_number_keys_contact").on(ContactNumberKeyModel.schema)
            .column("contact_id").run()
        var after: UUID?
        while true {
            var query = ContactModel.query(on: database).sort(\.$id).limit(2000)
            if let after { query = query.filter(\.$id > after) }
            let page = try await query.all()
            guard let last = page.last else { break }
            try await ContactNumberKeys.insert(for: page, on: database)
            after = last.id
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ContactNumberKeyModel.schema).delete()
    }
}
