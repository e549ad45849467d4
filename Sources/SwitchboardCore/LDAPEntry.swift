import Foundation

/// An LDAP search filter (RFC 4511 §4.5.1), attribute names in lower case.
public indirect enum LDAPFilter: Hashable, Sendable {
    case and([LDAPFilter])
    case or([LDAPFilter])
    case not(LDAPFilter)
    case equality(String, String)
    case substrings(String, initial: String?, any: [String], final: String?)
    case greaterOrEqual(String, String)
    case lessOrEqual(String, String)
    case present(String)
    case approx(String, String)
    /// An extensible match: not served; matches nothing.
    case extensible
}

/// A contact as an `inetOrgPerson` entry of the LDAP directory, and how a filter matches it: text compared
/// case-insensitively and without accents (as the contacts list's filter), numbers through the dial plan (a phone's
/// reverse lookup `telephoneNumber=*0478000002` finds "+33 4 78 00 00 02").
public struct LDAPEntry: Sendable {
    public let dn: String
    /// Attribute (lower-case name) → values; names as written out in `names`.
    let values: [String: [String]]
    let names: [String: String]
    let numberAttributes: Set<String>
    let dialPlan: DialPlan

    /// The attributes a contact entry has, as they are written out.
    public static let contactAttributes = [
        "objectClass", "cn", "displayName", "givenName", "sn", "o", "ou", "title", "telephoneNumber", "mobile",
        "homePhone", "facsimileTelephoneNumber", "mail", "l", "street", "postalCode", "c", "postalAddress",
    ]
    static let phoneAttributes: Set<String> = ["telephonenumber", "mobile", "homephone", "facsimiletelephonenumber"]

    public struct Fields: Sendable {
        public var id: UUID
        public var displayName: String
        public var firstName: String?
        public var lastName: String?
        public var company: String?
        public var department: String?
        public var jobTitle: String?
        public var phones: [PhoneEntry]
        public var emails: [EmailEntry]
        public var addresses: [PostalAddress]

        public init(
            id: UUID, displayName: String, firstName: String?, lastName: String?, company: String?,
            department: String? = nil, jobTitle: String?, phones: [PhoneEntry], emails: [EmailEntry],
            addresses: [PostalAddress]
        ) {
            self.id = id
            self.displayName = displayName
            self.firstName = firstName
            self.lastName = lastName
            self.company = company
            self.department = department
            self.jobTitle = jobTitle
            self.phones = phones
            self.emails = emails
            self.addresses = addresses
        }
    }

    public init(contact: Fields, container: LDAPName, dialPlan: DialPlan) {
        self.init(contact: contact, containerDN: container.normalized, dialPlan: dialPlan)
    }

    /// `containerDN`: the container's normalized DN (`LDAPName.normalized`), computed once for many entries.
    public init(contact: Fields, containerDN: String, dialPlan: DialPlan) {
        let uid = contact.id.uuidString.lowercased()
        dn = "uid=\(uid),\(containerDN)"
        var values: [String: [String]] = ["objectclass": Self.objectClasses, "uid": [uid]]
        values.reserveCapacity(16)
        /// `name`: the attribute's name in lower case.
        func put(_ name: String, _ value: String?) {
            guard let value = Self.cleaned(value) else { return }
            values[name, default: []].append(value)
        }
        put("cn", contact.displayName)
        put("displayname", contact.displayName)
        put("givenname", contact.firstName)
        // `sn` is required by `person`: the last name, else the whole name.
        put("sn", contact.lastName?.isEmpty == false ? contact.lastName : contact.displayName)
        put("o", contact.company)
        put("ou", contact.department)
        put("title", contact.jobTitle)
        for phone in contact.phones {
            let attribute =
                switch phone.type {
                case .business, .other: "telephonenumber"
                case .mobile: "mobile"
                case .private: "homephone"
                case .businessFax, .privateFax: "facsimiletelephonenumber"
                }
            put(attribute, Self.dialable(phone.number, dialPlan))
        }
        for email in contact.emails { put("mail", email.address) }
        if let address = contact.addresses.first(where: { $0.type == .business }) ?? contact.addresses.first {
            put("street", address.street)
            put("postalcode", address.postalCode)
            put("l", address.city)
            put("c", address.country.flatMap { $0.count == 2 ? $0.uppercased() : nil })
            let lines = [
                address.street, [address.postalCode, address.city].compactMap { $0 }.joined(separator: " "),
                address.country,
            ].compactMap { Self.cleaned($0) }
            if !lines.isEmpty { put("postaladdress", lines.joined(separator: "$")) }
        }
        self.values = values
        self.names = Self.contactNames
        self.numberAttributes = Self.phoneAttributes
        self.dialPlan = dialPlan
    }

    static let objectClasses = ["top", "person", "organizationalPerson", "inetOrgPerson"]
    /// Lower-case name → the name as written out.
    static let contactNames = Dictionary(
        uniqueKeysWithValues: (contactAttributes + ["uid"]).map { ($0.lowercased(), $0) })

    /// `value` without surrounding spaces, `nil` when nothing is left. Most values have none: they are returned as
    /// they are, without Foundation's trimming (a fifth of a directory search's time when every value went through it).
    static func cleaned(_ value: String?) -> String? {
        guard let value, let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else {
            return nil
        }
        // `CharacterSet.whitespaces`, without Foundation (every value of every entry a search returns comes here).
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { WhitespaceTrimming.isWhitespace(scalar.value) }
        guard isSpace(first) || isSpace(last) else { return value }
        let trimmed = WhitespaceTrimming.trimmed(value, newlines: false)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A number as a phone dials it from anywhere: international form ("+33478000002"), an extension after a pause
    /// ("+14186569254,102"); an internal number as it is.
    static func dialable(_ number: String, _ dialPlan: DialPlan) -> String {
        let parts = PhoneNumber.cleaned(number) == nil ? PhoneNumber.withExtension(number) : nil
        guard case .external(let e164) = dialPlan.understand(parts?.main ?? number) else {
            return PhoneNumber.dialable(number) ?? number
        }
        return e164 + (parts.map { "," + $0.extension } ?? "")
    }

    /// The base entry or the contacts container.
    public static func container(dn: LDAPName, objectClasses: [String]) -> LDAPEntry {
        var values: [String: [String]] = ["objectclass": objectClasses]
        var names = ["objectclass": "objectClass"]
        if let first = dn.parts.first {
            values[first.type] = [first.value]
            names[first.type] = first.type
        }
        if objectClasses.contains("organization") {
            values["o"] = ["Switchboard"]
            names["o"] = "o"
        }
        return LDAPEntry(dn: dn.normalized, values: values, names: names, dialPlan: DialPlan())
    }

    private init(dn: String, values: [String: [String]], names: [String: String], dialPlan: DialPlan) {
        self.dn = dn
        self.values = values
        self.names = names
        self.numberAttributes = []
        self.dialPlan = dialPlan
    }

    /// The order attributes are returned in (lower case, each once), before any other in alphabetical order.
    private static let attributeOrder: [String] = {
        var seen = Set<String>()
        return (contactAttributes + ["uid", "o", "ou", "dc"]).map { $0.lowercased() }.filter {
            seen.insert($0).inserted
        }
    }()
    private static let attributeOrderSet = Set(attributeOrder)

    /// Which attributes a search asks for (none or "*": all user attributes; "1.1": none), worked out once for all the
    /// entries it returns.
    public struct AttributeSelection: Sendable {
        let none: Bool
        let all: Bool
        /// The wanted attributes of the fixed order, in it (all of it for `all`).
        let ordered: [String]
        /// The wanted attributes outside the fixed order, in alphabetical order (unused for `all`).
        let others: [String]

        public init(_ requested: [String]) {
            let wanted = Set(requested.map { $0.lowercased() })
            all = wanted.isEmpty || wanted.contains("*")
            none = wanted == ["1.1"]
            ordered = all ? LDAPEntry.attributeOrder : LDAPEntry.attributeOrder.filter { wanted.contains($0) }
            others = all ? [] : wanted.subtracting(LDAPEntry.attributeOrderSet).sorted()
        }
    }

    /// The attributes asked for (none or "*": all user attributes; "1.1": none), in a stable order.
    public func attributes(_ requested: [String]) -> [(String, [String])] {
        attributes(AttributeSelection(requested))
    }

    /// The attributes `selection` asks for: those of the fixed order first, then the others alphabetically.
    public func attributes(_ selection: AttributeSelection) -> [(String, [String])] {
        if selection.none { return [] }
        let others =
            selection.all ? values.keys.filter { !Self.attributeOrderSet.contains($0) }.sorted() : selection.others
        var result: [(String, [String])] = []
        result.reserveCapacity(selection.ordered.count + others.count)
        for key in selection.ordered + others {
            if let list = values[key] { result.append((names[key] ?? key, list)) }
        }
        return result
    }

    /// Whether the filter matches this entry (RFC 4511 semantics; an attribute this directory does not know is
    /// undefined, so it matches nothing, and NOT of it nothing either).
    public func matches(_ filter: LDAPFilter) -> Bool {
        evaluate(filter) == true
    }

    /// Three-valued: `nil` is Undefined.
    private func evaluate(_ filter: LDAPFilter) -> Bool? {
        switch filter {
        case .and(let filters):
            var result: Bool? = true
            for filter in filters {
                switch evaluate(filter) {
                case false: return false
                case nil: result = nil
                default: break
                }
            }
            return result
        case .or(let filters):
            var result: Bool? = false
            for filter in filters {
                switch evaluate(filter) {
                case true: return true
                case nil: result = nil
                default: break
                }
            }
            return result
        case .not(let inner):
            return evaluate(inner).map { !$0 }
        case .present(let attribute):
            return values[attribute] != nil
        case .equality(let attribute, let value), .approx(let attribute, let value):
            guard let list = values[attribute] else { return absent(attribute) }
            if numberAttributes.contains(attribute) {
                let wanted = SearchFolding.digits(value)
                return list.contains { number in
                    dialPlan.understand(number) == dialPlan.understand(value) || SearchFolding.digits(number) == wanted
                }
            }
            let folded = SearchFolding.fold(value)
            return list.contains { SearchFolding.fold($0) == folded }
        case .substrings(let attribute, let initial, let any, let final):
            guard let list = values[attribute] else { return absent(attribute) }
            if numberAttributes.contains(attribute) {
                return list.contains { numberMatches($0, initial: initial, any: any, final: final) }
            }
            return list.contains {
                Self.substringsMatch(
                    SearchFolding.fold($0), initial: initial.map(SearchFolding.fold), any: any.map(SearchFolding.fold),
                    final: final.map(SearchFolding.fold))
            }
        case .greaterOrEqual(let attribute, let value):
            guard let list = values[attribute] else { return absent(attribute) }
            return list.contains { SearchFolding.fold($0) >= SearchFolding.fold(value) }
        case .lessOrEqual(let attribute, let value):
            guard let list = values[attribute] else { return absent(attribute) }
            return list.contains { SearchFolding.fold($0) <= SearchFolding.fold(value) }
        case .extensible:
            return nil
        }
    }

    /// What an assertion on an attribute the entry lacks is: false for an attribute of the schema, Undefined for
    /// one this directory does not know (RFC 4511 §4.5.1.7).
    private func absent(_ attribute: String) -> Bool? {
        Self.knownAttributes.contains(attribute) ? false : nil
    }

    static let knownAttributes = Set((contactAttributes + ["uid", "dc", "objectClass"]).map { $0.lowercased() })

    /// A number against a substring filter: the digits as stored, and each whole-number part also read through the
    /// dial plan, so `*0478000002` (national, typed on a phone) finds `+33478000002`, and `+33478*` finds it too.
    private func numberMatches(_ number: String, initial: String?, any: [String], final: String?) -> Bool {
        let digits = SearchFolding.digits(number)
        let parts = (initial, any.map(SearchFolding.digits), final)
        if Self.substringsMatch(
            digits, initial: parts.0.map(SearchFolding.digits), any: parts.1, final: parts.2.map(SearchFolding.digits))
        {
            return true
        }
        // Every form the dial plan reads the filter's numbers in: its national form against the stored one's.
        guard case .external(let stored) = dialPlan.understand(number) else { return false }
        let storedDigits = SearchFolding.digits(stored)
        func forms(_ text: String) -> [String] {
            guard case .external(let e164) = dialPlan.understand(text) else { return [SearchFolding.digits(text)] }
            return [SearchFolding.digits(e164), SearchFolding.digits(text)]
        }
        if let final, initial == nil, any.isEmpty {
            return forms(final).contains { storedDigits.hasSuffix($0) }
        }
        if let initial, final == nil, any.isEmpty {
            return forms(initial).contains { storedDigits.hasPrefix($0) }
        }
        if initial == nil, final == nil, any.count == 1 {
            return forms(any[0]).contains { storedDigits.contains($0) }
        }
        return false
    }

    static func substringsMatch(_ text: String, initial: String?, any: [String], final: String?) -> Bool {
        var rest = Substring(text)
        if let initial {
            guard rest.hasPrefix(initial) else { return false }
            rest = rest.dropFirst(initial.count)
        }
        for part in any where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        if let final {
            return rest.hasSuffix(final)
        }
        return true
    }
}
