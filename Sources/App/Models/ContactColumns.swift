import Foundation
import SQLKit
import SQLiteKit
import SwitchboardCore

/// What a `contacts` row holds for a contact: its fields and every derived column (folded search copies, sort key,
/// tab, name words, caller-ID keys). `ContactModel.apply` and the bulk insert of a CSV import both come from here,
/// so a contact inserted in bulk is found by the list's search, the words index and caller-ID lookup (the database
/// triggers fan `name_words` and `number_keys` out) exactly like one saved through Fluent.
struct ContactColumns {
    let contact: Contact
    let displayName: String
    let sortKey: String
    let initial: String
    let searchName: String
    let searchFirstName: String
    let searchLastName: String
    let searchCompany: String
    let searchEmail: String
    let searchCity: String
    let searchNumber: String
    let nameWords: String
    let numberKeys: String

    init(_ contact: Contact) {
        self.contact = contact
        let fold = { (text: String?) in SearchFolding.fold(text ?? "") }
        displayName = contact.resolvedDisplayName ?? ""
        searchName = fold(displayName)
        initial = SearchFolding.initial(of: displayName, folded: searchName)
        // `ContactModel.sortKey(for:)`, without folding the name twice.
        sortKey = initial == "#" ? "~" + searchName : searchName
        nameWords = ContactModel.nameWords(ofFolded: searchName)
        numberKeys = ContactModel.numberKeys(of: contact.phones)
        searchFirstName = fold(contact.firstName)
        searchLastName = fold(contact.lastName)
        searchCompany = fold(contact.company)
        searchEmail = contact.emails.map { fold($0.address) }.joined(separator: " ")
        searchCity = contact.addresses.compactMap { $0.city.map(fold) }.joined(separator: " ")
        searchNumber = contact.phones.map { SearchFolding.digits($0.number) }.joined(separator: " ")
    }
}

/// A statement ready to run: on SQLite already serialised and its values encoded (SQLKit's serialiser and
/// SQLiteKit's encoder cost a CSV import as much as the rows it builds), elsewhere the SQLKit expression.
struct BulkStatement: Sendable {
    let expression: any SQLExpression
    let sqlite: (sql: String, binds: [SQLiteData])?

    init(_ expression: any SQLExpression, on db: any SQLDatabase) throws {
        self.expression = expression
        if db is any SQLiteDatabase {
            let (sql, binds) = db.serialize(expression)
            let encoder = SQLiteDataEncoder()
            sqlite = (sql, try binds.map { try encoder.encode($0) })
        } else {
            sqlite = nil
        }
    }

    func run(on db: any SQLDatabase) async throws {
        if let sqlite, let database = db as? any SQLiteDatabase {
            _ = try await database.query(sqlite.sql, sqlite.binds)
        } else {
            try await db.execute(sql: expression) { _ in }
        }
    }
}

/// Raw multi-row INSERTs for imports: Fluent builds each model's input by reflection (a fifth of a CSV import's
/// time went there). Values are bound parameters, the same Swift values Fluent binds (so the JSON columns are
/// encoded by the same database encoder), in statements that stay under SQLite's 32 766 bound variables
/// (PostgreSQL allows 65 535).
enum ContactBulkInsert {
    static let maxBinds = 30_000

    static let contactColumns = [
        "id", "created_at", "updated_at", "title", "first_name", "last_name", "display_name_entered", "display_name",
        "company", "department", "job_title", "birthday", "notes", "short_code", "phones", "emails", "addresses",
        "sort_key", "initial", "search_name", "search_first_name", "search_last_name", "search_company",
        "search_email", "search_city", "search_number", "name_words", "number_keys",
    ]

    /// The INSERTs of the contacts, in order, with the ids given; both timestamps are `now`, as Fluent sets them.
    /// Serialised here, so that a CSV import builds a batch's statements while the previous batch is being written.
    static func statements(_ rows: [(id: UUID, columns: ContactColumns)], now: Date = Date(), on db: any SQLDatabase)
        throws -> [BulkStatement]
    {
        // SQLite stores the lists as JSON text: written here without `JSONEncoder`. PostgreSQL's encoder makes `jsonb`.
        let sqlite = db.dialect.name == "sqlite"
        var statements: [BulkStatement] = []
        for chunk in rows.chunked(by: maxBinds / contactColumns.count) {
            var insert = db.insert(into: "contacts").columns(contactColumns)
            for (id, columns) in chunk {
                let contact = columns.contact
                insert = insert.values([
                    SQLBind(id), SQLBind(now), SQLBind(now), bind(contact.title), bind(contact.firstName),
                    bind(contact.lastName), bind(contact.displayName), SQLBind(columns.displayName),
                    bind(contact.company), bind(contact.department), bind(contact.jobTitle), bind(contact.birthday),
                    bind(contact.notes), bind(contact.shortCode),
                    sqlite ? SQLBind(ContactFlatColumns.text(of: contact.phones)) : SQLBind(contact.phones),
                    sqlite ? SQLBind(ContactFlatColumns.text(of: contact.emails)) : SQLBind(contact.emails),
                    sqlite ? SQLBind(ContactFlatColumns.text(of: contact.addresses)) : SQLBind(contact.addresses),
                    SQLBind(columns.sortKey), SQLBind(columns.initial),
                    SQLBind(columns.searchName), SQLBind(columns.searchFirstName), SQLBind(columns.searchLastName),
                    SQLBind(columns.searchCompany), SQLBind(columns.searchEmail), SQLBind(columns.searchCity),
                    SQLBind(columns.searchNumber), SQLBind(columns.nameWords), SQLBind(columns.numberKeys),
                ])
            }
            statements.append(try BulkStatement(insert.insert, on: db))
        }
        return statements
    }

    /// Inserts memberships of `group` (which must not exist yet), with the contacts' sort keys.
    static func insertMembers(_ members: [(contactID: UUID, sortKey: String)], of group: UUID, on db: any SQLDatabase)
        async throws
    {
        for chunk in members.chunked(by: maxBinds / 4) {
            var insert = db.insert(into: "contact_group_members").columns("id", "contact_id", "group_id", "sort_key")
            for member in chunk {
                insert = insert.values([
                    SQLBind(UUID()), SQLBind(member.contactID), SQLBind(group), SQLBind(member.sortKey),
                ])
            }
            try await insert.run()
        }
    }

    /// `NULL` for a missing text, as Fluent writes an empty optional field.
    private static func bind(_ text: String?) -> any SQLExpression {
        text.map { SQLBind($0) } ?? SQLLiteral.null
    }

    // MARK: reading back

    /// The columns `contact(from:)` reads.
    static let domainColumns =
        "title, first_name, last_name, display_name_entered, company, department, job_title, birthday, notes, short_code, phones, emails, addresses"

    /// The contact a row of `domainColumns` holds (`ContactModel.toDomain` without a model). On SQLite the lists
    /// are JSON text, which `ContactFlatColumns` reads without `JSONDecoder`.
    static func contact(from row: any SQLRow, sqlite: Bool) throws -> Contact {
        Contact(
            title: try row.decode(column: "title", as: String?.self),
            firstName: try row.decode(column: "first_name", as: String?.self),
            lastName: try row.decode(column: "last_name", as: String?.self),
            displayName: try row.decode(column: "display_name_entered", as: String?.self),
            company: try row.decode(column: "company", as: String?.self),
            department: try row.decode(column: "department", as: String?.self),
            jobTitle: try row.decode(column: "job_title", as: String?.self),
            birthday: try row.decode(column: "birthday", as: String?.self),
            notes: try row.decode(column: "notes", as: String?.self),
            shortCode: try row.decode(column: "short_code", as: String?.self),
            phones: try ContactFlatColumns.list(row, "phones", sqlite: sqlite, ContactFlatColumns.phone),
            emails: try ContactFlatColumns.list(row, "emails", sqlite: sqlite, ContactFlatColumns.email),
            addresses: try ContactFlatColumns.list(row, "addresses", sqlite: sqlite, ContactFlatColumns.address))
    }
}
