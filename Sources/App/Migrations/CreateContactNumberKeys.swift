import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// Caller-ID keys of every contact number, so the PBX's lookup reads a handful of rows by index
/// instead of every contact. As with the name words (`CreateContactNameWords`), the contact row
/// carries its keys (`number_keys`, computed in Swift from its numbers) and database triggers
/// fan them out into `contact_number_keys`, so every writer — the services, vCard and CSV
/// imports, CardDAV synchronisation, the seed command — keeps the lookup true.
struct CreateContactNumberKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(ContactModel.schema)
            .field("number_keys", .string, .required, .sql(.default("[]")))
            .update()
        let sqlite = sql.dialect.name == "sqlite"
        try await sql.raw(
            """
            CREATE TABLE contact_number_keys (contact_id \(unsafeRaw: sqlite ? "BLOB" : "UUID") NOT NULL, \
            "key" TEXT NOT NULL, number TEXT NOT NULL)
            """
        ).run()
        try await sql.create(index: "contact_number_keys_key").on("contact_number_keys")
            .column("key").column("contact_id").run()
        try await sql.create(index: "contact_number_keys_contact").on("contact_number_keys").column("contact_id").run()
        if sqlite {
            let fanOut = """
                INSERT INTO contact_number_keys (contact_id, "key", number)
                    SELECT NEW.id, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(NEW.number_keys);
                """
            try await sql.raw(
                "CREATE TRIGGER contacts_number_keys_insert AFTER INSERT ON contacts BEGIN \(unsafeRaw: fanOut) END"
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_number_keys_update AFTER UPDATE OF number_keys ON contacts BEGIN
                DELETE FROM contact_number_keys WHERE contact_id = OLD.id;
                \(unsafeRaw: fanOut)
                END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_number_keys_delete AFTER DELETE ON contacts BEGIN
                DELETE FROM contact_number_keys WHERE contact_id = OLD.id;
                END
                """
            ).run()
        } else {
            try await sql.raw(
                """
                CREATE FUNCTION contacts_number_keys_sync() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        DELETE FROM contact_number_keys WHERE contact_id = OLD.id;
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO contact_number_keys (contact_id, "key", number)
                            SELECT NEW.id, pair->>0, pair->>1 FROM jsonb_array_elements(NEW.number_keys::jsonb) pair;
                    END IF;
                    RETURN NULL;
                END
                $$
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_number_keys AFTER INSERT OR DELETE OR UPDATE OF number_keys ON contacts
                FOR EACH ROW EXECUTE FUNCTION contacts_number_keys_sync()
                """
            ).run()
        }
        try await backfill(database)
    }

    /// Contacts stored before this migration get their keys, a thousand per transaction.
    private func backfill(_ database: any Database) async throws {
        let progress = MigrationProgress(
            "Caller-ID keys", total: try await MigrationProgress.contacts(in: database), logger: database.logger)
        var last: UUID?
        repeat {
            last = try await database.transaction { [last] transaction in
                let sql = transaction as! any SQLDatabase
                var query: SQLQueryString = "SELECT id, phones FROM contacts"
                if let last { query += " WHERE id > \(bind: last)" }
                query += " ORDER BY id LIMIT 1000"
                var batchEnd: UUID?
                let rows = try await sql.raw(query).all()
                for row in rows {
                    let id = try row.decode(column: "id", as: UUID.self)
                    let phones = try row.decode(column: "phones", as: [PhoneEntry].self)
                    try await sql.raw(
                        "UPDATE contacts SET number_keys = \(bind: ContactModel.numberKeys(of: phones)) WHERE id = \(bind: id)"
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
        if sql.dialect.name == "sqlite" {
            for trigger in [
                "contacts_number_keys_insert", "contacts_number_keys_update", "contacts_number_keys_delete",
            ] {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER contacts_number_keys ON contacts").run()
            try await sql.raw("DROP FUNCTION contacts_number_keys_sync()").run()
        }
        try await sql.raw("DROP TABLE contact_number_keys").run()
        try await database.schema(ContactModel.schema).deleteField("number_keys").update()
    }
}
