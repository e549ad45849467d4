import SwitchboardCore

/// Which of the contacts list's searches find every entry an LDAP filter can match: a set of alternatives (each a
/// `ContactSearch`'s filters, all holding at once), whose results together hold every match. The filter itself is then
/// checked on each row, so an alternative may find more than the filter, never less.
enum LDAPSearchPlan {
    /// The list's field that holds what an attribute's value is found in (a folded substring of it), if any.
    static func field(for attribute: String) -> ContactSearch.Field? {
        switch attribute {
        case "cn", "displayname": .name
        case "givenname": .firstName
        case "sn": .lastName
        case "o": .company
        case "mail": .email
        case "l": .city
        case "telephonenumber", "mobile", "homephone", "facsimiletelephonenumber": .number
        default: nil
        }
    }

    /// At most this many alternatives (an OR of many values): past it, one walk of the list in order.
    static let alternativeLimit = 8

    static func alternatives(for filter: LDAPFilter) -> [[ContactSearch.Field: String]] {
        plan(filter) ?? [[:]]
    }

    /// `nil`: nothing narrows the search (every contact is a candidate).
    private static func plan(_ filter: LDAPFilter) -> [[ContactSearch.Field: String]]? {
        switch filter {
        case .equality(let attribute, let value), .approx(let attribute, let value):
            return narrowing(attribute, value)
        case .substrings(let attribute, let initial, let any, let final):
            // The part a contains-filter can look for: the longest. A number filter keeps its start ("0478*") or
            // end ("*0478000002"), which the list's number filter reads through the dial plan.
            if field(for: attribute) == .number {
                if let initial, !initial.isEmpty { return narrowing(attribute, initial) }
                if let final, any.isEmpty, initial == nil { return narrowing(attribute, final) }
                return (any + [final].compactMap { $0 }).max(by: { $0.count < $1.count }).flatMap {
                    narrowing(attribute, SearchFolding.digits($0))
                }
            }
            let parts = [initial].compactMap { $0 } + any + [final].compactMap { $0 }
            return parts.max(by: { $0.count < $1.count }).flatMap { narrowing(attribute, $0) }
        case .and(let filters):
            var merged: [ContactSearch.Field: String] = [:]
            var choice: [[ContactSearch.Field: String]]?
            for filter in filters {
                guard let alternatives = plan(filter) else { continue }
                if alternatives.count == 1 {
                    for (field, text) in alternatives[0] where text.count > (merged[field]?.count ?? -1) {
                        merged[field] = text
                    }
                } else if choice == nil || alternatives.count < choice!.count {
                    choice = alternatives
                }
            }
            if !merged.isEmpty { return [merged] }
            return choice
        case .or(let filters):
            var all: [[ContactSearch.Field: String]] = []
            for filter in filters {
                guard let alternatives = plan(filter) else { return nil }
                all += alternatives
            }
            guard !all.isEmpty, all.count <= alternativeLimit else { return nil }
            return all
        case .not, .present, .greaterOrEqual, .lessOrEqual, .extensible:
            return nil
        }
    }

    private static func narrowing(_ attribute: String, _ value: String) -> [[ContactSearch.Field: String]]? {
        guard let field = field(for: attribute) else { return nil }
        let text = value.trimmingCharacters(in: .whitespaces)
        // A number filter needs a digit; a name filter a character.
        if field == .number ? SearchFolding.digits(text).isEmpty : text.isEmpty { return nil }
        // `sn` is the last name, or the whole name of a contact without one (`LDAPEntry`).
        if attribute == "sn" { return [[.lastName: text], [.name: text]] }
        return [[field: text]]
    }
}
