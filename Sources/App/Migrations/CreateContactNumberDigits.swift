import Fluent
import SQLKit

/// Every number of every contact by its digits as written, so a number filter that names the beginning of a number
/// ("04 78", "+33 4 78": `DialPlan.numberFilter`'s forms) reads its few contacts from an index range instead of
/// scanning every contact's numbers, in display order like the name words (digits, sort key, contact:
/// `ContactSearch`). The contact row's `search_number` already holds those digits,
/// one number after another separated by spaces; database triggers fan them out into `contact_number_digits`, as the
/// name words and caller-ID keys are, so every writer keeps the index true without knowing of it.
struct CreateContactNumberDigits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw(
                """
                CREATE TABLE contact_number_digits (digits TEXT NOT NULL, sort_key TEXT NOT NULL, contact_id BLOB NOT NULL, \
                PRIMARY KEY (digits, sort_key, contact_id)) WITHOUT ROWID
                """
            ).run()
            try await sql.raw("CREATE INDEX contact_number_digits_contact ON contact_number_digits (contact_id)").run()
            try await sql.raw(
                "CREATE TRIGGER contacts_number_digits_insert AFTER INSERT ON contacts BEGIN \(unsafeRaw: Self.fanOutSQLite) END"
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_number_digits_update AFTER UPDATE OF search_number, sort_key ON contacts BEGIN
                DELETE FROM contact_number_digits WHERE contact_id = OLD.id;
                \(unsafeRaw: Self.fanOutSQLite)
                END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_number_digits_delete AFTER DELETE ON contacts BEGIN
                DELETE FROM contact_number_digits WHERE contact_id = OLD.id;
                END
                """
            ).run()
            try await sql.raw(
                """
                INSERT OR IGNORE INTO contact_number_digits (digits, sort_key, contact_id)
                    SELECT value, c.sort_key, c.id FROM contacts AS c, json_each(\(unsafeRaw: Self.digitsArray("c"))) WHERE value <> ''
                """
            ).run()
        } else {
            try await sql.raw(
                """
                CREATE TABLE contact_number_digits (digits TEXT NOT NULL, sort_key TEXT NOT NULL, contact_id UUID NOT NULL, \
                PRIMARY KEY (digits, sort_key, contact_id))
                """
            ).run()
            try await sql.raw("CREATE INDEX contact_number_digits_contact ON contact_number_digits (contact_id)").run()
            try await sql.raw(
                """
                CREATE FUNCTION contacts_number_digits_sync() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        DELETE FROM contact_number_digits WHERE contact_id = OLD.id;
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO contact_number_digits (digits, sort_key, contact_id)
                            SELECT DISTINCT d, NEW.sort_key, NEW.id FROM unnest(string_to_array(NEW.search_number, ' ')) d WHERE d <> ''
                            ON CONFLICT DO NOTHING;
                    END IF;
                    RETURN NULL;
                END
                $$
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_number_digits AFTER INSERT OR DELETE OR UPDATE OF search_number, sort_key ON contacts
                FOR EACH ROW EXECUTE FUNCTION contacts_number_digits_sync()
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO contact_number_digits (digits, sort_key, contact_id)
                    SELECT DISTINCT d, c.sort_key, c.id FROM contacts c, unnest(string_to_array(c.search_number, ' ')) d WHERE d <> ''
                    ON CONFLICT DO NOTHING
                """
            ).run()
            // The planner's statistics now rather than when autovacuum comes by: without them it read the whole
            // index for a rare number (13 ms instead of 3.5 at 100 000 contacts).
            try await sql.raw("ANALYZE contact_number_digits").run()
        }
    }

    /// `search_number` (digits and single spaces only: `ContactTable`) of the contact `table` names, as a JSON array
    /// of its numbers for SQLite's `json_each` (SQLite has no function that splits a text).
    static func digitsArray(_ table: String) -> String {
        "'[\"' || replace(\(table).search_number, ' ', '\",\"') || '\"]'"
    }

    /// What SQLite's insert trigger does for the new contact.
    static let fanOutSQLite = """
        INSERT OR IGNORE INTO contact_number_digits (digits, sort_key, contact_id)
            SELECT value, NEW.sort_key, NEW.id FROM json_each(\(digitsArray("NEW"))) WHERE value <> '';
        """

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            for trigger in [
                "contacts_number_digits_insert", "contacts_number_digits_update", "contacts_number_digits_delete",
            ] {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER contacts_number_digits ON contacts").run()
            try await sql.raw("DROP FUNCTION contacts_number_digits_sync()").run()
        }
        try await sql.raw("DROP TABLE contact_number_digits").run()
    }
}
