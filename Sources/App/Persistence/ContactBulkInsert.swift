import Foundation
import SQLKit
import SQLiteKit
import SwitchboardCore

/// A statement ready to run. On SQLite its text and values are written here, without SQLKit: its serialiser and
/// SQLiteKit's encoder find each value's encoding through dynamic casts, and cost a CSV import more than the rows they
/// carry. Elsewhere it is the SQLKit expression.
enum BulkStatement: Sendable {
    case sqlite(sql: String, binds: [SQLiteData])
    case expression(any SQLExpression)

    func run(on db: any SQLDatabase) async throws {
        switch self {
        case .sqlite(let sql, let binds): _ = try await (db as! any SQLiteDatabase).query(sql, binds)
        case .expression(let expression): try await db.execute(sql: expression) { _ in }
        }
    }

    /// `INSERT INTO "table" ("column", …) VALUES (?, …), …` for `rows` rows of `columns`.
    static func sqliteInsert(into table: String, columns: [String], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var sql = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
        sql.reserveCapacity(sql.utf8.count + rows * (row.utf8.count + 2))
        for index in 0..<rows {
            if index > 0 { sql += ", " }
            sql += row
        }
        return sql
    }
}

/// Raw multi-row INSERTs for imports: Fluent builds each model's input by reflection (a fifth of a CSV import's
/// time went there). Values are bound parameters, the same Swift values Fluent binds (so the JSON columns are
/// encoded by the same database encoder), in statements that stay under SQLite's 32 766 bound variables
/// (PostgreSQL allows 65 535).
enum ContactBulkInsert {
    static let maxBinds = 30_000

    /// Every column of `contacts`, in the order the INSERTs name them.
    static let contactColumns = ContactColumn.allCases.map(\.rawValue)

    /// A new contact's columns, and its lists as SQLite stores them (JSON text), worked out ahead of its insert.
    struct Row: Sendable {
        let columns: ContactColumns
        let phones: String
        let emails: String
        let addresses: String

        init(_ contact: Contact) {
            columns = ContactColumns(contact)
            phones = ContactFlatColumns.text(of: contact.phones)
            emails = ContactFlatColumns.text(of: contact.emails)
            addresses = ContactFlatColumns.text(of: contact.addresses)
        }
    }

    /// The INSERTs of the contacts, in order, with the ids given; both timestamps are `now`, as Fluent sets them.
    /// Built here, so that a CSV import builds a batch's statements while the previous batch is being written.
    static func statements(_ rows: [(id: UUID, row: Row)], now: Date = Date(), on db: any SQLDatabase)
        -> [BulkStatement]
    {
        let chunks = rows.chunked(by: maxBinds / contactColumns.count)
        guard db is any SQLiteDatabase else { return chunks.map { .expression(insert($0, now: now, on: db)) } }
        return chunks.map { chunk in
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * contactColumns.count)
            for (id, row) in chunk {
                for column in ContactColumn.allCases { binds.append(column.value(of: row, id: id, now: now).sqlite) }
            }
            return .sqlite(
                sql: BulkStatement.sqliteInsert(into: "contacts", columns: contactColumns, rows: chunk.count),
                binds: binds)
        }
    }

    /// The INSERT of `chunk` as SQLKit builds it, values bound as Fluent binds them (PostgreSQL's encoder makes the
    /// lists `jsonb`).
    private static func insert(_ chunk: ArraySlice<(id: UUID, row: Row)>, now: Date, on db: any SQLDatabase)
        -> any SQLExpression
    {
        var insert = db.insert(into: "contacts").columns(contactColumns)
        for (id, row) in chunk {
            insert = insert.values(ContactColumn.allCases.map { $0.value(of: row, id: id, now: now).bind })
        }
        return insert.insert
    }

    /// Inserts memberships of `group` (which must not exist yet), with the contacts' sort keys.
    static func insertMembers(_ members: [(contactID: UUID, sortKey: String)], of group: UUID, on db: any SQLDatabase)
        async throws
    {
        let columns = ["id", "contact_id", "group_id", "sort_key"]
        var ids = OrderedIDs()
        for chunk in members.chunked(by: maxBinds / columns.count) {
            let statement: BulkStatement
            if db is any SQLiteDatabase {
                let groupText = SQLiteData.text(group.sqliteText)
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * columns.count)
                for member in chunk {
                    binds += [
                        .text(ids.next().sqliteText), .text(member.contactID.sqliteText), groupText,
                        .text(member.sortKey),
                    ]
                }
                statement = .sqlite(
                    sql: BulkStatement.sqliteInsert(into: "contact_group_members", columns: columns, rows: chunk.count),
                    binds: binds)
            } else {
                var insert = db.insert(into: "contact_group_members").columns(columns)
                for member in chunk {
                    insert = insert.values([
                        SQLBind(ids.next()), SQLBind(member.contactID), SQLBind(group), SQLBind(member.sortKey),
                    ])
                }
                statement = .expression(insert.insert)
            }
            try await statement.run(on: db)
        }
    }

    /// On SQLite, the highest rowid of `contacts` (0 when empty).
    static func lastRowID(on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT coalesce(max(rowid), 0) AS last FROM contacts").first()?.decode(
            column: "last", as: Int.self) ?? 0
    }

    /// On SQLite, what the insert triggers of `CreateContactNameWords`, `CreateContactNumberKeys` and `CreateContactNumberDigits` do for each new
    /// contact, for every contact after rowid `last` at once: an import of a large file turns the triggers off and
    /// calls this after each batch's inserts. SQLite fanned 100 000 contacts out in 2.4 s this way and took 4.3 s more
    /// to insert them with the triggers.
    static func fanOut(after last: Int, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT OR IGNORE INTO contact_words (word)
                SELECT value FROM contacts AS c, json_each(c.name_words) WHERE c.rowid > \(bind: last)
            """
        ).run()
        try await db.raw(
            """
            INSERT OR IGNORE INTO contact_name_words (word, sort_key, contact_id)
                SELECT value, c.sort_key, c.id FROM contacts AS c, json_each(c.name_words) WHERE c.rowid > \(bind: last)
            """
        ).run()
        try await db.raw(
            """
            INSERT INTO contact_number_keys (contact_id, "key", number)
                SELECT c.id, json_extract(value, '$[0]'), json_extract(value, '$[1]')
                FROM contacts AS c, json_each(c.number_keys) WHERE c.rowid > \(bind: last)
            """
        ).run()
        try await db.raw(
            """
            INSERT OR IGNORE INTO contact_number_digits (digits, sort_key, contact_id)
                SELECT value, c.sort_key, c.id FROM contacts AS c, json_each(\(unsafeRaw: CreateContactNumberDigits.digitsArray("c")))
                WHERE c.rowid > \(bind: last) AND value <> ''
            """
        ).run()
        try await db.raw("\(unsafeRaw: CreateContactGeneration.bump)").run()
    }

    // MARK: reading back

    /// The columns `contact(from:)` reads.
    static let domainColumns = ContactColumn.list(ContactColumn.domain)

    /// The contact a row of `domainColumns` holds (`ContactModel.toDomain` without a model). On SQLite the lists
    /// are JSON text, which `ContactFlatColumns` reads without `JSONDecoder`.
    static func contact(from row: any SQLRow, sqlite: Bool) throws -> Contact {
        let text = { (column: ContactColumn) in try row.decode(column: column.rawValue, as: String?.self) }
        return Contact(
            title: try text(.title), firstName: try text(.firstName), middleName: try text(.middleName),
            lastName: try text(.lastName), suffix: try text(.suffix), displayName: try text(.displayNameEntered),
            company: try text(.company), department: try text(.department),
            jobTitle: try text(.jobTitle), birthday: try text(.birthday), notes: try text(.notes),
            shortCode: try text(.shortCode),
            phones: try ContactFlatColumns.list(row, .phones, sqlite: sqlite, ContactFlatColumns.phone),
            emails: try ContactFlatColumns.list(row, .emails, sqlite: sqlite, ContactFlatColumns.email),
            addresses: try ContactFlatColumns.list(row, .addresses, sqlite: sqlite, ContactFlatColumns.address))
    }
}
