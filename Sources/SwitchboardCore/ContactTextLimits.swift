/// How long each stored text of a contact may be, and what may not be in it. One table for every way a contact
/// arrives — pages, API, console, CSV, vCard, CardDAV — so they all refuse (people typing) or cut (imports) alike:
/// a 100 MB first name made every list page that showed it 300 MB of HTML.
public enum ContactTextLimits {
    /// A field of a contact, named as the forms and the API name it.
    public enum Field: String, CaseIterable, Sendable {
        case title, firstName, middleName, lastName, suffix, displayName, company, department, jobTitle, notes
        case phoneNumber = "phones"
        case email = "emails"
        case street, postalCode, city, region, country

        /// In characters.
        public var maximum: Int {
            switch self {
            case .title, .suffix: 50
            case .firstName, .middleName, .lastName: 100
            case .displayName: 250
            case .company, .department, .jobTitle: 200
            case .notes: 10_000
            case .phoneNumber: 64
            // RFC 5321's limit on a path, less its angle brackets.
            case .email: 254
            case .street: 250
            case .postalCode: 20
            case .city, .region, .country: 100
            }
        }

        /// Only notes hold several lines.
        var isMultiline: Bool { self == .notes }
    }

    /// At most this many numbers, e-mail addresses and postal addresses each.
    public static let maximumEntries = 50

    /// `text` without control characters: in one-line fields a line break or tab becomes a space, in notes line
    /// breaks become `\n` and tabs stay; everything else of Unicode's control category (NUL, ESC, DEL…) goes.
    public static func withoutControlCharacters(_ text: String, in field: Field) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        var scalars = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            guard scalar.properties.generalCategory == .control else {
                scalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n" where previous == "\r": continue
            case "\r", "\n": scalars.append(field.isMultiline ? "\n" : " ")
            case "\t": scalars.append(field.isMultiline ? "\t" : " ")
            default: continue
            }
        }
        return String(scalars)
    }

    /// Whether `text` fits `field`.
    public static func fits(_ text: String, _ field: Field) -> Bool {
        text.utf8.count <= field.maximum || text.count <= field.maximum
    }

    /// `text` cut to `field`'s length (whole characters).
    public static func cut(_ text: String, to field: Field) -> String {
        fits(text, field) ? text : String(text.prefix(field.maximum))
    }

    /// Cuts every text of `contact` that is too long, and drops entries beyond `maximumEntries`; answers the fields
    /// it changed, for an import's report.
    public static func cutToLimits(_ contact: inout Contact) -> [Field] {
        var cut: [Field] = []
        func apply(_ value: inout String?, _ field: Field) {
            guard let text = value, !fits(text, field) else { return }
            value = String(text.prefix(field.maximum))
            if !cut.contains(field) { cut.append(field) }
        }
        func apply(_ value: inout String, _ field: Field) {
            var optional: String? = value
            apply(&optional, field)
            value = optional ?? value
        }
        apply(&contact.title, .title)
        apply(&contact.firstName, .firstName)
        apply(&contact.middleName, .middleName)
        apply(&contact.lastName, .lastName)
        apply(&contact.suffix, .suffix)
        apply(&contact.displayName, .displayName)
        apply(&contact.company, .company)
        apply(&contact.department, .department)
        apply(&contact.jobTitle, .jobTitle)
        apply(&contact.notes, .notes)
        if contact.phones.count > maximumEntries {
            contact.phones.removeLast(contact.phones.count - maximumEntries)
            cut.append(.phoneNumber)
        }
        if contact.emails.count > maximumEntries {
            contact.emails.removeLast(contact.emails.count - maximumEntries)
            cut.append(.email)
        }
        if contact.addresses.count > maximumEntries {
            contact.addresses.removeLast(contact.addresses.count - maximumEntries)
            cut.append(.street)
        }
        for index in contact.emails.indices { apply(&contact.emails[index].address, .email) }
        for index in contact.addresses.indices {
            apply(&contact.addresses[index].street, .street)
            apply(&contact.addresses[index].postalCode, .postalCode)
            apply(&contact.addresses[index].city, .city)
            apply(&contact.addresses[index].region, .region)
            apply(&contact.addresses[index].country, .country)
        }
        return cut
    }
}
