import FluentKit
import Foundation
import SQLKit
import SQLiteKit
import SwitchboardCore

/// The `contacts` table's columns, written once: the model's field keys, the bulk insert's column list and its values
/// (on SQLite and on PostgreSQL), the row decoder of `ContactBulkInsert.contact(from:)` and the columns the list's
/// search reads all come from here. (The migrations keep their own literal names: they are history, and must not
/// change when this list does.)
enum ContactColumn: String, CaseIterable, Sendable {
    case id
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case title
    case firstName = "first_name"
    case middleName = "middle_name"
    case lastName = "last_name"
    case suffix = "name_suffix"
    case displayNameEntered = "display_name_entered"
    case displayName = "display_name"
    case company
    case department
    case jobTitle = "job_title"
    case birthday
    case notes
    case shortCode = "short_code"
    case phones
    case emails
    case addresses
    case sortKey = "sort_key"
    case initial
    case searchName = "search_name"
    case searchFirstName = "search_first_name"
    case searchLastName = "search_last_name"
    case searchCompany = "search_company"
    case searchEmail = "search_email"
    case searchCity = "search_city"
    case searchNumber = "search_number"
    case nameWords = "name_words"
    case numberKeys = "number_keys"

    var key: FieldKey { self == .id ? .id : .string(rawValue) }

    /// The columns that hold the contact as entered (`Contact`), in the order `ContactFlatColumns` reads them.
    static let domain: [ContactColumn] = [
        .title, .firstName, .middleName, .lastName, .suffix, .displayNameEntered, .company, .department, .jobTitle,
        .birthday, .notes, .shortCode, .phones, .emails, .addresses,
    ]

    /// What a row of the contacts list reads (`ContactSummary`).
    static let summary: [ContactColumn] = [
        .id, .sortKey, .displayName, .firstName, .lastName, .company, .department, .jobTitle, .phones, .emails,
        .addresses,
    ]

    /// `columns` as a select list, each one prefixed with `table.` when given.
    static func list(_ columns: [ContactColumn], table: String? = nil) -> String {
        let prefix = table.map { $0 + "." } ?? ""
        return columns.map { column in prefix + column.rawValue }.joined(separator: ", ")
    }

    /// A value of a new row, before a database's encoding.
    enum Value {
        case id(UUID)
        case time(Date)
        case text(String?)
        /// A list: the JSON text SQLite stores, and the value PostgreSQL's encoder makes `jsonb` of.
        case list(json: String, value: any Encodable & Sendable)
    }

    /// This column's value in the new row of `row`, made `now` under `id`.
    func value(of row: ContactBulkInsert.Row, id: UUID, now: Date) -> Value {
        let columns = row.columns
        let contact = columns.contact
        switch self {
        case .id: return .id(id)
        case .createdAt, .updatedAt: return .time(now)
        case .title: return .text(contact.title)
        case .firstName: return .text(contact.firstName)
        case .middleName: return .text(contact.middleName)
        case .lastName: return .text(contact.lastName)
        case .suffix: return .text(contact.suffix)
        case .displayNameEntered: return .text(contact.displayName)
        case .displayName: return .text(columns.displayName)
        case .company: return .text(contact.company)
        case .department: return .text(contact.department)
        case .jobTitle: return .text(contact.jobTitle)
        case .birthday: return .text(contact.birthday)
        case .notes: return .text(contact.notes)
        case .shortCode: return .text(contact.shortCode)
        case .phones: return .list(json: row.phones, value: contact.phones)
        case .emails: return .list(json: row.emails, value: contact.emails)
        case .addresses: return .list(json: row.addresses, value: contact.addresses)
        case .sortKey: return .text(columns.sortKey)
        case .initial: return .text(columns.initial)
        case .searchName: return .text(columns.searchName)
        case .searchFirstName: return .text(columns.searchFirstName)
        case .searchLastName: return .text(columns.searchLastName)
        case .searchCompany: return .text(columns.searchCompany)
        case .searchEmail: return .text(columns.searchEmail)
        case .searchCity: return .text(columns.searchCity)
        case .searchNumber: return .text(columns.searchNumber)
        case .nameWords: return .text(columns.nameWords)
        case .numberKeys: return .text(columns.numberKeys)
        }
    }
}

extension ContactColumn.Value {
    /// As SQLite stores it (lists as JSON text, times as seconds since 1970, ids as text), written without SQLKit.
    var sqlite: SQLiteData {
        switch self {
        case .id(let id): .text(id.sqliteText)
        case .time(let date): .float(date.timeIntervalSince1970)
        case .text(let text): text.map { .text($0) } ?? .null
        case .list(let json, _): .text(json)
        }
    }

    /// Bound as Fluent binds it (`NULL` for a missing text, as Fluent writes an empty optional field).
    var bind: any SQLExpression {
        switch self {
        case .id(let id): SQLBind(id)
        case .time(let date): SQLBind(date)
        case .text(let text): text.map { SQLBind($0) } ?? SQLLiteral.null
        case .list(_, let value): SQLBind(value)
        }
    }
}

/// What a `contacts` row holds for a contact: its fields and every derived column (folded search copies, sort key,
/// tab, name words, caller-ID keys). `ContactModel.apply` and the bulk insert of a CSV import both come from here,
/// so a contact inserted in bulk is found by the list's search, the words index and caller-ID lookup (the database
/// triggers fan `name_words` and `number_keys` out) exactly like one saved through Fluent.
struct ContactColumns: Sendable {
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
