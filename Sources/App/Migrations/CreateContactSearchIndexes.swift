import Fluent
import SQLKit

/// Narrow covering indexes (field, sort key, id) for name and number filters: a rare substring
/// is found by scanning one of these instead of every contact row (see `ContactSearch`).
struct CreateContactSearchIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "contacts_search_name").on(ContactModel.schema)
            .column("search_name").column("sort_key").column("id").run()
        try await sql.create(index: "contacts_search_number").on(ContactModel.schema)
            .column("search_number").column("sort_key").column("id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "contacts_search_number").run()
        try await sql.drop(index: "contacts_search_name").run()
    }
}
