import FluentKit
import Foundation
import SQLKit
import SwitchboardCore

/// The contact store's reads that go through many rows without models: services say what they want, this layer
/// knows how each database stores it (SQLite keeps the lists as JSON text, PostgreSQL as `jsonb`).
enum ContactStore {
    static func isSQLite(_ db: any Database) -> Bool { (db as? any SQLDatabase)?.dialect.name == "sqlite" }

    /// Every stored contact with its id, in id order, read in pages of `pageSize` raw rows (an import compares a file
    /// with every contact once).
    static func forEach(on db: any Database, pageSize: Int = 2_000, _ body: (UUID, Contact) throws -> Void)
        async throws
    {
        let sql = db as! any SQLDatabase
        let sqlite = isSQLite(db)
        var after: UUID?
        while true {
            var query: SQLQueryString = "SELECT id, \(unsafeRaw: ContactBulkInsert.domainColumns) FROM contacts"
            if let after { query += " WHERE id > \(bind: after)" }
            query += " ORDER BY id LIMIT \(literal: pageSize)"
            let page = try await sql.raw(query).all()
            var last: UUID?
            for row in page {
                let id = try row.decode(column: ContactColumn.id.rawValue, as: UUID.self)
                try body(id, try ContactBulkInsert.contact(from: row, sqlite: sqlite))
                last = id
            }
            guard page.count == pageSize, let last else { return }
            after = last
        }
    }

    /// The contacts of `ids` (those that still exist), read in one raw query without models (a vCard export reads its
    /// contacts this way, a batch at a time).
    static func contacts(_ ids: [UUID], on db: any Database) async throws -> [UUID: Contact] {
        guard !ids.isEmpty else { return [:] }
        let sql = db as! any SQLDatabase
        let sqlite = isSQLite(db)
        let rows = try await sql.raw(
            "SELECT id, \(unsafeRaw: ContactBulkInsert.domainColumns) FROM contacts WHERE id IN (\(binds: ids))"
        ).all()
        var contacts: [UUID: Contact] = [:]
        contacts.reserveCapacity(rows.count)
        for row in rows {
            contacts[try row.decode(column: ContactColumn.id.rawValue, as: UUID.self)] =
                try ContactBulkInsert.contact(from: row, sqlite: sqlite)
        }
        return contacts
    }

    /// `contacts(_:on:)` read from the SQLite file with SQLite's own API (`SQLiteFileReader`), on NIO's thread pool.
    static func contacts(_ ids: [UUID], reader: SQLiteFileReader, on db: any Database) async throws -> [UUID: Contact] {
        guard !ids.isEmpty else { return [:] }
        let query: SQLQueryString =
            "SELECT id, \(unsafeRaw: ContactBulkInsert.domainColumns) FROM contacts WHERE id IN (\(binds: ids))"
        let rows = try await reader.rows(query, dialectOf: db as! any SQLDatabase) { row in
            (id: row.text(0).flatMap(UUID.init(uuidString:)), contact: try ContactFlatColumns.contact(from: row, at: 1))
        }
        var contacts: [UUID: Contact] = [:]
        contacts.reserveCapacity(rows.count)
        for row in rows {
            guard let id = row.id else {
                throw SQLiteFileReader.Failure(code: 0, message: "a contact id is not a UUID")
            }
            contacts[id] = row.contact
        }
        return contacts
    }

    /// The photos of those of `contacts` that have one, from the SQLite file (`SQLiteFileReader`) or through Fluent.
    static func photos(of contacts: [UUID], reader: SQLiteFileReader?, on db: any Database) async throws -> [UUID: Data]
    {
        guard !contacts.isEmpty else { return [:] }
        guard let reader else {
            let photos = try await ContactPhotoModel.query(on: db).filter(\.$contact.$id ~~ contacts).all()
            return Dictionary(photos.map { ($0.$contact.id, $0.data) }) { first, _ in first }
        }
        let query: SQLQueryString =
            "SELECT contact_id, data FROM contact_photos WHERE contact_id IN (\(binds: contacts))"
        let rows = try await reader.rows(query, dialectOf: db as! any SQLDatabase) { row in
            (id: row.text(0).flatMap(UUID.init(uuidString:)), data: Data(row.bytes(1)))
        }
        return Dictionary(rows.compactMap { row in row.id.map { ($0, row.data) } }) { first, _ in first }
    }

    /// The contacts of the next batch of `search` (its `limit` after its cursor), as the actor may read them, and
    /// where the batch after starts (an export reads every contact of a scope this way).
    static func batch(of search: ContactSearch, access: ContactAccess, on db: any Database) async throws
        -> (contacts: [Contact], next: ContactSearch.Cursor?)
    {
        let (rows, next) = try await search.rows(on: db, access: access, columns: exportColumns)
        let sqlite = isSQLite(db)
        return (try rows.map { try ContactBulkInsert.contact(from: $0, sqlite: sqlite) }, next)
    }

    /// The `contacts` columns a contact is read from, as `c.column`.
    static let exportColumns = ContactColumn.list(ContactColumn.domain, table: "c")

    /// `(number on file, display name)` of the contacts having one of the caller-ID `keys` (at most 200), through
    /// Fluent's connection (`NumberKeyReader` reads the SQLite file directly, and is tried first).
    static func callerIDCandidates(keys: [String], on db: any Database) async throws -> [(number: String, name: String)]
    {
        // Written out rather than built with the query builder: this runs at every incoming call.
        let rows = try await (db as! any SQLDatabase).raw(
            """
            SELECT k.number AS number, c.display_name AS display_name
            FROM contact_number_keys k JOIN contacts c ON c.id = k.contact_id
            WHERE k.key IN (\(binds: keys)) LIMIT 200
            """
        ).all()
        return try rows.map { row in
            (
                number: try row.decode(column: "number", as: String.self),
                name: try row.decode(column: "display_name", as: String.self)
            )
        }
    }

    /// The groups (id and kind) each of `ids` is in: one plain query, for rights checked on every page of the list.
    static func groupRefs(of ids: [UUID], on db: any Database) async throws -> [UUID: [GroupRef]] {
        let rows = try await (db as! any SQLDatabase).raw(
            """
            SELECT m.contact_id, g.id, g.kind FROM contact_group_members m \
            JOIN contact_groups g ON g.id = m.group_id WHERE m.contact_id IN (\(binds: ids))
            """
        ).all()
        var groups: [UUID: [GroupRef]] = [:]
        for row in rows {
            let kind = ContactGroupKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .standard
            groups[try row.decode(column: "contact_id", as: UUID.self), default: []].append(
                GroupRef(id: try row.decode(column: "id", as: UUID.self), kind: kind))
        }
        return groups
    }

    /// First and last names of `ids`, by id (a directory search shows them; the list's rows do not hold them).
    static func names(of ids: [UUID], on db: any Database) async throws -> [UUID: (first: String?, last: String?)] {
        let rows = try await (db as! any SQLDatabase).raw(
            "SELECT id, first_name, last_name FROM contacts WHERE id IN (\(binds: ids))"
        ).all()
        var names: [UUID: (first: String?, last: String?)] = [:]
        for row in rows {
            names[try row.decode(column: "id", as: UUID.self)] = (
                try row.decode(column: "first_name", as: String?.self),
                try row.decode(column: "last_name", as: String?.self)
            )
        }
        return names
    }

    /// The contacts' generation: moves whenever a contact or a membership is written or deleted
    /// (`CreateContactGeneration`); `nil` if its row is missing (then nothing may be taken as unchanged).
    static func generation(on db: any Database) async throws -> Int64? {
        let row = try await (db as! any SQLDatabase).raw("SELECT generation FROM contact_generation WHERE id = 1")
            .first()
        return try row?.decode(column: "generation", as: Int64.self)
    }

    /// `ids` in the database's own display order (`sort_key`, then id: its collation, which a comparison in Swift
    /// would not follow).
    static func displayOrder(of ids: [UUID], on db: any Database) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        return try await (db as! any SQLDatabase).raw(
            "SELECT id FROM contacts WHERE id IN (\(binds: ids)) ORDER BY sort_key, id"
        ).all().map { try $0.decode(column: "id", as: UUID.self) }
    }
}
