import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// What the contacts list shows: a scope (all, one group, without group), a tab, per-field
/// filters, and a keyset cursor. Pages come from an index in sort order; filters are folded
/// substrings (`LIKE '%…%'` on the `search_*` columns).
struct ContactSearch: Sendable, Equatable {
    enum Scope: Sendable, Equatable {
        case all
        case group(UUID)
        case withoutGroup
    }

    enum Field: String, CaseIterable, Sendable {
        case name, firstName, lastName, company, number, email, city

        var column: String {
            switch self {
            case .name: "search_name"
            case .firstName: "search_first_name"
            case .lastName: "search_last_name"
            case .company: "search_company"
            case .number: "search_number"
            case .email: "search_email"
            case .city: "search_city"
            }
        }

        /// The filter text as the column holds it: folded, or only digits for numbers.
        func prepare(_ text: String) -> String {
            self == .number ? SearchFolding.digits(text) : SearchFolding.fold(text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// Where the previous page ended.
    struct Cursor: Sendable, Equatable {
        let sortKey: String
        let id: UUID

        /// Opaque in URLs.
        var token: String {
            Data("\(id.uuidString)\u{1F}\(sortKey)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        }

        init(sortKey: String, id: UUID) {
            self.sortKey = sortKey
            self.id = id
        }

        init?(token: String) {
            let base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
                let separator = text.firstIndex(of: "\u{1F}"), let id = UUID(uuidString: String(text[..<separator]))
            else { return nil }
            self.init(sortKey: String(text[text.index(after: separator)...]), id: id)
        }
    }

    var scope: Scope = .all
    /// "A" … "Z" or "#"; `nil` for all.
    var tab: String?
    var filters: [Field: String] = [:]
    var after: Cursor?
    var limit = 50
}

/// A row of the contacts list: what the list shows, read straight from the search query.
struct ContactSummary: Sendable {
    let id: UUID
    let sortKey: String
    let displayName: String
    let company: String?
    let jobTitle: String?
    let phones: [PhoneEntry]
    let emails: [EmailEntry]
    let addresses: [PostalAddress]
}

struct ContactPage: Sendable {
    let contacts: [ContactSummary]
    let next: ContactSearch.Cursor?
}

extension ContactSearch {
    /// One page of contacts `access` may read, in one query walking an index in sort order.
    func run(on db: any Database, access: ContactAccess) async throws -> ContactPage {
        let sql = db as! any SQLDatabase
        let readable = access.readableGroupIDs.map(Array.init)
        if readable?.isEmpty == true { return ContactPage(contacts: [], next: nil) }

        var conditions: [SQLQueryString] = []
        let orderTable: String
        var query: SQLQueryString
        switch scope {
        case .group(let groupID):
            if let readable, !readable.contains(groupID) { return ContactPage(contacts: [], next: nil) }
            orderTable = "m"
            query =
                "SELECT \(unsafeRaw: Self.columns) FROM contact_group_members m JOIN contacts c ON c.id = m.contact_id"
            conditions.append("m.group_id = \(bind: groupID)")
        case .all:
            orderTable = "c"
            query = "SELECT \(unsafeRaw: Self.columns) FROM contacts c"
            if let readable {
                // A correlated probe, not EXISTS: PostgreSQL would turn EXISTS into a semi-join
                // over every membership instead of walking the sort index and stopping at a page.
                conditions.append(
                    "(SELECT 1 FROM contact_group_members r WHERE r.contact_id = c.id AND r.group_id IN (\(binds: readable)) LIMIT 1) IS NOT NULL"
                )
            }
        case .withoutGroup:
            // Contacts in no group exist for those who keep the address books only.
            guard readable == nil else { return ContactPage(contacts: [], next: nil) }
            orderTable = "c"
            query = "SELECT \(unsafeRaw: Self.columns) FROM contacts c"
            conditions.append("NOT EXISTS (SELECT 1 FROM contact_group_members r WHERE r.contact_id = c.id)")
        }
        if let tab { conditions.append("c.initial = \(bind: tab)") }
        for field in Field.allCases {
            guard let raw = filters[field] else { continue }
            let text = field.prepare(raw)
            guard !text.isEmpty else {
                // A number filter without a digit matches no number.
                if field == .number, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
                    return .init(contacts: [], next: nil)
                }
                continue
            }
            conditions.append(
                "c.\(unsafeRaw: field.column) LIKE \(bind: "%" + Self.escapeLike(text) + "%") ESCAPE '\\'")
        }
        let key = orderTable == "m" ? "m.sort_key" : "c.sort_key"
        let id = orderTable == "m" ? "m.contact_id" : "c.id"
        if let after {
            conditions.append(
                "(\(unsafeRaw: key) > \(bind: after.sortKey) OR (\(unsafeRaw: key) = \(bind: after.sortKey) AND \(unsafeRaw: id) > \(bind: after.id)))"
            )
        }
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        query += " ORDER BY \(unsafeRaw: key), \(unsafeRaw: id) LIMIT \(literal: limit + 1)"

        let rows = try await sql.raw(query).all().map { row in
            ContactSummary(
                id: try row.decode(column: "id", as: UUID.self),
                sortKey: try row.decode(column: "sort_key", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self),
                company: try row.decode(column: "company", as: String?.self),
                jobTitle: try row.decode(column: "job_title", as: String?.self),
                phones: try row.decode(column: "phones", as: [PhoneEntry].self),
                emails: try row.decode(column: "emails", as: [EmailEntry].self),
                addresses: try row.decode(column: "addresses", as: [PostalAddress].self))
        }
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { Cursor(sortKey: $0.sortKey, id: $0.id) } : nil
        return ContactPage(contacts: page, next: next)
    }

    private static let columns =
        "c.id, c.sort_key, c.display_name, c.company, c.job_title, c.phones, c.emails, c.addresses"

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
