import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// The words of every display name, so a rare name filter is looked up instead of scanned for
/// (see `ContactSearch`): `contact_words` holds each word once, `contact_name_words` which
/// contacts have it, in display order (word, sort key, contact). The contact row carries its words (`name_words`, a JSON array computed in
/// Swift with the rest of the search fields); database triggers fan them out, so every writer —
/// the services, batch imports, the seed command — keeps the index true without knowing of it.
struct CreateContactNameWords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(ContactModel.schema)
            .field("name_words", .string, .required, .sql(.default("[]")))
            .update()
        if sql.dialect.name == "sqlite" {
            try await prepareSQLite(sql)
        } else {
            try await preparePostgres(sql)
        }
        try await backfill(database)
        // Name filters are checked on the sort key (the same folded name) while walking the sort
        // index, so the separate name index is no longer read; it only slowed writes.
        try await sql.drop(index: "contacts_search_name").run()
    }

    private func prepareSQLite(_ sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE TABLE contact_words (word TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID").run()
        try await sql.raw(
            """
            CREATE TABLE contact_name_words (word TEXT NOT NULL, sort_key TEXT NOT NULL, contact_id BLOB NOT NULL, \
            PRIMARY KEY (word, sort_key, contact_id)) WITHOUT ROWID
            """
        ).run()
        try await sql.raw("CREATE INDEX contact_name_words_contact ON contact_name_words (contact_id)").run()
        let fanOut = """
            INSERT OR IGNORE INTO contact_words (word) SELECT value FROM json_each(NEW.name_words);
            INSERT OR IGNORE INTO contact_name_words (word, sort_key, contact_id)
                SELECT value, NEW.sort_key, NEW.id FROM json_each(NEW.name_words);
            """
        try await sql.raw(
            "CREATE TRIGGER contacts_name_words_insert AFTER INSERT ON contacts BEGIN \(unsafeRaw: fanOut) END"
        )
        .run()
        try await sql.raw(
            """
            CREATE TRIGGER contacts_name_words_update AFTER UPDATE OF name_words, sort_key ON contacts BEGIN
            DELETE FROM contact_name_words WHERE contact_id = OLD.id;
            \(unsafeRaw: fanOut)
            END
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER contacts_name_words_delete AFTER DELETE ON contacts BEGIN
            DELETE FROM contact_name_words WHERE contact_id = OLD.id;
            END
            """
        ).run()
    }

    private func preparePostgres(_ sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE TABLE contact_words (word TEXT PRIMARY KEY)").run()
        try await sql.raw(
            """
            CREATE TABLE contact_name_words (word TEXT NOT NULL, sort_key TEXT NOT NULL, contact_id UUID NOT NULL, \
            PRIMARY KEY (word, sort_key, contact_id))
            """
        ).run()
        try await sql.raw("CREATE INDEX contact_name_words_contact ON contact_name_words (contact_id)").run()
        try await sql.raw(
            """
            CREATE FUNCTION contacts_name_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    DELETE FROM contact_name_words WHERE contact_id = OLD.id;
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    INSERT INTO contact_words (word)
                        SELECT jsonb_array_elements_text(NEW.name_words::jsonb) ON CONFLICT DO NOTHING;
                    INSERT INTO contact_name_words (word, sort_key, contact_id)
                        SELECT jsonb_array_elements_text(NEW.name_words::jsonb), NEW.sort_key, NEW.id
                        ON CONFLICT DO NOTHING;
                END IF;
                RETURN NULL;
            END
            $$
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER contacts_name_words AFTER INSERT OR DELETE OR UPDATE OF name_words, sort_key ON contacts
            FOR EACH ROW EXECUTE FUNCTION contacts_name_words_sync()
            """
        ).run()
    }

    /// Contacts stored before this migration get their words, a thousand per transaction.
    private func backfill(_ database: any Database) async throws {
        let progress = MigrationProgress(
            "Words of names", total: try await MigrationProgress.contacts(in: database), logger: database.logger)
        var last: UUID?
        repeat {
            last = try await database.transaction { [last] transaction in
                let sql = transaction as! any SQLDatabase
                var query: SQLQueryString = "SELECT id, search_name FROM contacts"
                if let last { query += " WHERE id > \(bind: last)" }
                query += " ORDER BY id LIMIT 1000"
                var batchEnd: UUID?
                let rows = try await sql.raw(query).all()
                for row in rows {
                    let id = try row.decode(column: "id", as: UUID.self)
                    let name = try row.decode(column: "search_name", as: String.self)
                    try await sql.raw(
                        "UPDATE contacts SET name_words = \(bind: ContactModel.nameWords(ofFolded: name)) WHERE id = \(bind: id)"
                    ).run()
                    batchEnd = id
                }
                progress.advance(by: rows.count)
                return batchEnd
            }
        } while last != nil
        progress.finish()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "contacts_search_name").on(ContactModel.schema)
            .column("search_name").column("sort_key").column("id").run()
        if sql.dialect.name == "sqlite" {
            for trigger in ["contacts_name_words_insert", "contacts_name_words_update", "contacts_name_words_delete"] {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER contacts_name_words ON contacts").run()
            try await sql.raw("DROP FUNCTION contacts_name_words_sync()").run()
        }
        try await sql.raw("DROP TABLE contact_name_words").run()
        try await sql.raw("DROP TABLE contact_words").run()
        try await database.schema(ContactModel.schema).deleteField("name_words").update()
    }
}
