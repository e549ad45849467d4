import FluentKit
import Foundation
import SQLKit

/// How a large import writes the contact table quickly, and what it costs the schema meanwhile: on SQLite the list
/// indexes and insert triggers come off inside the import's transaction and go back from the statements SQLite kept,
/// and the importing connection gets a large page cache. On PostgreSQL both are no-ops: the import runs as it is.
/// Services ask for it (`CSVImportService`); only this layer knows which database it is talking to.
enum ContactBulkSchema {
    /// The indexes that order and filter the contact list and the caller-ID lookup's key index: nothing an import
    /// reads. The unique ones (ids, speed-dial codes, memberships) and those the triggers delete by stay.
    static let listIndexes = [
        "contacts_sort", "contacts_initial_sort", "contacts_search_number", "members_group_sort",
        "contact_number_keys_key",
    ]

    /// The triggers that fan a new contact's name words, caller-ID keys and numbers' digits out (`CreateContactNameWords`,
    /// `CreateContactNumberKeys`, `CreateContactNumberDigits`) and move the contacts' generation
    /// (`CreateContactGeneration`) for each row; those of updates and deletes stay.
    static let insertTriggers = [
        "contacts_name_words_insert", "contacts_number_keys_insert", "contacts_number_digits_insert",
        CreateContactGeneration.triggerName("contacts", "INSERT"),
    ]

    /// On SQLite, when `large`, runs `body` with `listIndexes` and `insertTriggers` dropped and makes them again
    /// afterwards, from the very statements SQLite kept — inside the import's transaction, so a failure puts them back
    /// with everything else, and other connections never see them missing. Building an index once from sorted keys
    /// is far cheaper than inserting 100 000 rows at random places in it; for a file small next to the stored contacts
    /// it is not, so it is only done when the file has at least half as many lines as there are contacts. `body` is
    /// told whether the triggers are off: the import then fans each batch's new contacts out itself
    /// (`ContactBulkInsert.fanOut`), in five statements for the batch instead of a trigger program per row.
    static func withBulkSchema(
        on db: any Database, if large: Bool, _ body: (_ triggersOff: Bool) async throws -> Void
    ) async throws {
        guard large, let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else {
            return try await body(false)
        }
        var query: SQLQueryString = "SELECT type, name, sql FROM sqlite_master WHERE name IN ("
        for (index, name) in (listIndexes + insertTriggers).enumerated() {
            query += index == 0 ? "\(bind: name)" : ", \(bind: name)"
        }
        query += ")"
        let objects = try await sql.raw(query).all().map {
            (
                type: try $0.decode(column: "type", as: String.self),
                name: try $0.decode(column: "name", as: String.self),
                sql: try $0.decode(column: "sql", as: String.self)
            )
        }
        for object in objects {
            try await sql.raw("DROP \(unsafeRaw: object.type == "trigger" ? "TRIGGER" : "INDEX") \(ident: object.name)")
                .run()
        }
        try await body(Set(insertTriggers).isSubset(of: objects.map(\.name)))
        // Building an index sorts every key, in runs as large as the page cache: the runs go to temporary files, not
        // memory (`withBulkCache` keeps temporary storage in memory for the statement journals of the inserts, and a
        // million contacts' keys sorted there took 900 MB), and are kept small. `withBulkCache` restores both.
        try await sql.raw("PRAGMA temp_store = FILE").run()
        try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(-indexBuildCacheKiB))").run()
        for object in objects { try await sql.raw("\(unsafeRaw: object.sql)").run() }
    }

    /// On SQLite, runs `body` on one connection which has a large page cache and keeps statement journals in memory
    /// meanwhile: a 100 000-row import touches every page of the contacts' indexes, and with SQLite's 2 MB default
    /// cache it spilled pages again and again (a third of its time went into the kernel writing them). The connection
    /// gets its settings back afterwards, which frees the cache. Elsewhere `body` runs on `db` as it is: Fluent's
    /// PostgreSQL driver marks a connection it hands out as already in a transaction, so `transaction` on it would
    /// not begin one (a test of a failing import caught it).
    static func withBulkCache<T: Sendable>(
        on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        guard (db as? any SQLDatabase)?.dialect.name == "sqlite" else { return try await body(db) }
        return try await db.withConnection { connection in try await withBulkCache(onConnection: connection, body) }
    }

    private static func withBulkCache<T: Sendable>(
        onConnection connection: any Database, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let sql = connection as! any SQLDatabase
        let setting = { (name: String) in
            try await sql.raw("PRAGMA \(unsafeRaw: name)").first()?.decode(column: name, as: Int.self)
        }
        let cache = try await setting("cache_size") ?? -2_000
        let tempStore = try await setting("temp_store") ?? 0
        try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(-bulkCacheKiB))").run()
        try await sql.raw("PRAGMA temp_store = MEMORY").run()
        let result: Result<T, any Error>
        do { result = .success(try await body(connection)) } catch { result = .failure(error) }
        try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(cache))").run()
        try await sql.raw("PRAGMA temp_store = \(unsafeRaw: String(tempStore))").run()
        return try result.get()
    }

    /// The page cache of an importing SQLite connection, in KiB (64 MiB): 256 MiB was no faster at 100 000 rows and
    /// slower at 1 000 000 (15 100 rows/s against 16 800), and held four times the memory.
    static let bulkCacheKiB = 65_536
    /// The page cache, and so the sort runs, while the list indexes are built again (16 MiB).
    static let indexBuildCacheKiB = 16_384
}
