import Fluent
import SQLKit

/// One number that changes whenever what a contact search can find changes — a contact written or deleted, a
/// membership added or removed (a group's deletion removes its memberships) — kept by database triggers, so every
/// writer (pages, API, imports, the command line, another instance on the same PostgreSQL) moves it without knowing
/// of it. Whoever keeps search answers (`LDAPAnswerCache`) reads it before searching and reuses an answer only while
/// it has not moved.
///
/// SQLite runs one writer at a time: a row trigger adds one in the writer's transaction. On PostgreSQL a row lock
/// on the counter held from a transaction's first change to its commit would serialize every writer of contacts
/// and could deadlock two of them; there the trigger is deferred to the commit and moves the counter once per
/// transaction (a transaction-local setting remembers it is queued), so the lock is taken last and held only while
/// committing — transactions that change contacts commit one after the other. Either way the counter moves in the
/// same transaction as the change: a reader sees both or neither.
struct CreateContactGeneration: AsyncMigration {
    /// The tables whose rows decide what a search finds.
    static let tables = ["contacts", "contact_group_members"]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw(
                "CREATE TABLE contact_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL)"
            ).run()
            try await sql.raw("INSERT INTO contact_generation (id, generation) VALUES (1, 0)").run()
            for table in Self.tables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try await sql.raw(
                        """
                        CREATE TRIGGER \(unsafeRaw: Self.triggerName(table, event)) AFTER \(unsafeRaw: event) ON \(ident: table) \
                        BEGIN \(unsafeRaw: Self.bump) END
                        """
                    ).run()
                }
            }
        } else {
            try await sql.raw(
                "CREATE TABLE contact_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation BIGINT NOT NULL)"
            ).run()
            try await sql.raw("INSERT INTO contact_generation (id, generation) VALUES (1, 0)").run()
            // Whether this transaction has queued its move yet: true once per transaction (the setting is local to
            // it, and to a savepoint rolled back with the change that set it). Checked as each row changes, so a
            // million-row import queues one event for its commit, not a million.
            try await sql.raw(
                """
                CREATE FUNCTION contact_generation_first() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
                BEGIN
                    IF current_setting('switchboard.contact_generation_queued', true) = 'yes' THEN
                        RETURN false;
                    END IF;
                    PERFORM set_config('switchboard.contact_generation_queued', 'yes', true);
                    RETURN true;
                END
                $$
                """
            ).run()
            try await sql.raw(
                """
                CREATE FUNCTION contact_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE contact_generation SET generation = generation + 1 WHERE id = 1;
                    RETURN NULL;
                END
                $$
                """
            ).run()
            for table in Self.tables {
                // A constraint trigger's condition is checked at once; its function runs at the commit.
                try await sql.raw(
                    """
                    CREATE CONSTRAINT TRIGGER \(unsafeRaw: table)_generation AFTER INSERT OR UPDATE OR DELETE ON \(ident: table) \
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (contact_generation_first()) \
                    EXECUTE FUNCTION contact_generation_bump()
                    """
                ).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            for table in Self.tables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: Self.triggerName(table, event))").run()
                }
            }
        } else {
            for table in Self.tables {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_generation ON \(ident: table)").run()
            }
            try await sql.raw("DROP FUNCTION IF EXISTS contact_generation_bump()").run()
            try await sql.raw("DROP FUNCTION IF EXISTS contact_generation_first()").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS contact_generation").run()
    }

    /// SQLite's trigger for `event` ("INSERT", "UPDATE", "DELETE") on `table`.
    static func triggerName(_ table: String, _ event: String) -> String {
        "\(table)_generation_\(event.lowercased())"
    }

    /// What each SQLite trigger runs, and a bulk import once per batch when its insert trigger is off.
    static let bump = "UPDATE contact_generation SET generation = generation + 1 WHERE id = 1;"
}
