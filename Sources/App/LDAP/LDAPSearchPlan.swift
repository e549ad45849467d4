import SwitchboardCore

/// Which of the contacts list's searches find every entry an LDAP filter can match: a set of alternatives whose
/// results together hold every match. The filter itself is then checked on each row, so an alternative may find more
/// than the filter, never less — with one accepted exception: `sn` and `givenName` are looked for in the display name
/// (the words index answers that at once; the list has no index on the name parts), which misses a contact whose
/// display name was typed without them.
enum LDAPSearchPlan {
    /// One search: the list's filters (all holding at once), or the contacts having a number with a caller-ID key.
    struct Alternative: Equatable {
        var filters: [ContactSearch.Field: String] = [:]
        /// `contact_number_keys.key`: the last digits of a whole number (`CallerIDMatcher.storageKey`).
        var numberKey: String?
        /// A word of the name begins with this (`ContactSearch.wordPrefix`).
        var wordPrefix: String?
    }

    /// The list's field that holds what an attribute's value is found in (a folded substring of it), if any.
    static func field(for attribute: String) -> ContactSearch.Field? {
        switch attribute {
        case "cn", "displayname", "sn", "givenname": .name
        case "o": .company
        case "mail": .email
        case "l": .city
        case "telephonenumber", "mobile", "homephone", "facsimiletelephonenumber": .number
        default: nil
        }
    }

    /// At most this many alternatives (an OR of many values): past it, one walk of the list in order.
    static let alternativeLimit = 8

    static func alternatives(for filter: LDAPFilter, dialPlan: DialPlan) -> [Alternative] {
        // The same search twice ("cn" and "sn" both read the name) is one.
        var seen: [Alternative] = []
        for alternative in plan(filter, dialPlan) ?? [Alternative()] where !seen.contains(alternative) {
            seen.append(alternative)
        }
        return seen
    }

    /// `nil`: nothing narrows the search (every contact is a candidate).
    private static func plan(_ filter: LDAPFilter, _ dialPlan: DialPlan) -> [Alternative]? {
        switch filter {
        case .equality(let attribute, let value), .approx(let attribute, let value):
            return narrowing(attribute, value, whole: true, dialPlan)
        case .substrings(let attribute, let initial, let any, let final):
            if field(for: attribute) == .number, initial == nil, any.isEmpty, let final {
                return narrowing(attribute, final, whole: true, dialPlan)
            }
            // "du*" on a name: a word of the name begins with it (every name attribute's value is words of the name).
            if field(for: attribute) == .name, let initial, any.isEmpty, final == nil {
                let folded = SearchFolding.fold(initial.trimmingCharacters(in: .whitespaces))
                if SearchFolding.isWordPart(folded) {
                    return [Alternative(filters: [.name: initial], wordPrefix: folded)]
                }
            }
            // The part a contains-filter can look for: the longest.
            let parts = [initial].compactMap { $0 } + any + [final].compactMap { $0 }
            return parts.max(by: { $0.count < $1.count }).flatMap { narrowing(attribute, $0, whole: false, dialPlan) }
        case .and(let filters):
            var merged = Alternative()
            var narrowed = false
            var choice: [Alternative]?
            for filter in filters {
                guard let alternatives = plan(filter, dialPlan) else { continue }
                if alternatives.count == 1 {
                    narrowed = true
                    for (field, text) in alternatives[0].filters where text.count > (merged.filters[field]?.count ?? -1)
                    {
                        merged.filters[field] = text
                    }
                    merged.numberKey = merged.numberKey ?? alternatives[0].numberKey
                    merged.wordPrefix = merged.wordPrefix ?? alternatives[0].wordPrefix
                } else if choice == nil || alternatives.count < choice!.count {
                    choice = alternatives
                }
            }
            if narrowed {
                // A number key finds its few contacts at once; the other conditions are checked on them.
                return [merged.numberKey != nil ? Alternative(numberKey: merged.numberKey) : merged]
            }
            return choice
        case .or(let filters):
            var all: [Alternative] = []
            for filter in filters {
                guard let alternatives = plan(filter, dialPlan) else { return nil }
                all += alternatives
            }
            guard !all.isEmpty, all.count <= alternativeLimit else { return nil }
            return all
        case .not, .present, .greaterOrEqual, .lessOrEqual, .extensible:
            return nil
        }
    }

    /// `whole`: the value is a whole number's end (equality, `*N`), which the caller-ID keys find.
    private static func narrowing(_ attribute: String, _ value: String, whole: Bool, _ dialPlan: DialPlan)
        -> [Alternative]?
    {
        guard let field = field(for: attribute) else { return nil }
        if field == .number {
            let digits = SearchFolding.digits(value)
            // A whole number: the caller-ID key of every stored form of it is its last digits.
            if whole, digits.count >= CallerIDMatcher.storedDigits {
                return [Alternative(numberKey: String(digits.suffix(CallerIDMatcher.storedDigits)))]
            }
            // Else what every stored form of a matching number holds: the digits after the prefixes and the
            // country's code ("0478…", "+33 4 78…", "0033 4 78…", "33478…" all hold "478…").
            let significant = significantDigits(value, dialPlan)
            return significant.isEmpty ? nil : [Alternative(filters: [.number: significant])]
        }
        let text = value.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : [Alternative(filters: [field: text])]
    }

    /// The digits of `value` without its leading zeros (trunk and international prefixes) and, after them, the
    /// country's own code when what remains is longer than an extension.
    static func significantDigits(_ value: String, _ dialPlan: DialPlan) -> String {
        var digits = Substring(SearchFolding.digits(value)).drop { $0 == "0" }
        if digits.hasPrefix(dialPlan.countryCode), digits.count - dialPlan.countryCode.count > dialPlan.longestExtension
        {
            digits = digits.dropFirst(dialPlan.countryCode.count).drop { $0 == "0" }
        }
        return String(digits)
    }
}
