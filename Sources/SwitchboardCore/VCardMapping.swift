import Foundation

/// Maps the properties of one card to a `Contact`.
///
/// - N: last; first; middle names; prefix (→ title); suffix — each its own field (several values joined by spaces).
/// - FN is the display name, unless it only repeats the name derived from N or ORG (then `nil`).
/// - ORG: company; department (further units joined with ", "). TITLE is the job title, else ROLE.
/// - TEL keeps every number, typed as in `VCardFields.phoneType`; only the first `PREF` stays preferred.
/// - EMAIL and ADR keep one entry per type (business, private); the others go to the notes.
/// - Whatever has no field (URL, NICKNAME, IMPP, X-…, a photo's web address) is appended to the notes
///   as "NAME: value" after the card's own NOTE, and reported as a notice. Sync metadata (UID, REV,
///   PRODID, …) is skipped without notice; binary data other than the photo is dropped with one.
/// - A card without any name is named after its first e-mail address, else its first number.
struct VCardCardBuilder {
    private(set) var problems: [VCardProblem] = []
    private let properties: [VCardProperty]
    private let transcoded: Bool
    /// Apple's `itemN.X-ABLabel` values by group.
    private let labels: [String: String]
    private var contact = Contact()
    private var photo: Data?
    private var notices: [VCardNotice] = []
    private var notes: [String] = []
    private var keptLines: [String] = []
    private var formattedName: String?
    private var role: String?

    /// Sync and layout metadata that carries nothing a person would miss.
    private static let metadata: Set<String> = [
        "VERSION", "PRODID", "REV", "UID", "KIND", "SORT-STRING", "CLASS", "X-ABUID", "X-ABSHOWAS", "X-ABLABEL",
        "X-ABADR", "X-MS-OL-DESIGN", "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MOZILLA-HTML", "X-EVOLUTION-FILE-AS",
        "X-IRMC-LUID",
    ]

    init(properties: [VCardProperty], transcoded: Bool) {
        self.properties = properties
        self.transcoded = transcoded
        var labels: [String: String] = [:]
        for property in properties where property.name == "X-ABLABEL" {
            guard let group = property.group?.lowercased(), labels[group] == nil else { continue }
            labels[group] = VCardValue.unescaped(property.rawText(transcoded: transcoded).text)
        }
        self.labels = labels
    }

    /// The card, or `nil` when nothing in it can name the contact.
    mutating func card(line: Int) -> VCardCard? {
        contact.phones.reserveCapacity(properties.count { $0.name == "TEL" })
        for property in properties { add(property) }
        if let role {
            if contact.jobTitle == nil { contact.jobTitle = role } else { keep("ROLE", role) }
        }
        let derived = contact.resolvedDisplayName
        contact.displayName = formattedName == derived ? nil : formattedName
        contact.notes = (notes + keptLines).isEmpty ? nil : (notes + keptLines).joined(separator: "\n")
        // A formatted name is trimmed and never empty, so the resolved name is now `displayName ?? derived`.
        if contact.displayName == nil, derived == nil {
            contact.displayName = contact.emails.first?.address ?? contact.phones.first?.number
            guard contact.resolvedDisplayName != nil else { return nil }
        }
        return VCardCard(contact: contact, photo: photo, line: line, notices: notices)
    }

    private mutating func add(_ property: VCardProperty) {
        guard !Self.metadata.contains(property.name) else { return }
        if property.name == "PHOTO" { return addPhoto(property) }
        if let encoding = property.parameter("ENCODING"),
            encoding.uppercasedEquals("B") || encoding.uppercasedEquals("BASE64")
        {
            return notices.append(.dropped(property: property.name))
        }
        let (raw, unknownCharset) = property.rawText(transcoded: transcoded)
        if let unknownCharset, !notices.contains(.unknownCharset(unknownCharset)) {
            notices.append(.unknownCharset(unknownCharset))
        }
        let text = VCardValue.unescaped(raw).trimmed
        // Without a `;` the one field is the text itself.
        let structured = VCardText.contains(raw, 0x3B) ? VCardValue.trimmedComponents(raw) : nil
        guard structured?.contains(where: { !$0.isEmpty }) ?? !text.isEmpty else { return }
        var fields: [String] { structured ?? [text] }
        var types: VCardTypes { property.types.union(label(of: property).map(VCardFields.labelTypes) ?? []) }
        switch property.name {
        case "N" where contact.lastName == nil && contact.firstName == nil: addName(fields)
        case "FN" where formattedName == nil: formattedName = text
        case "ORG" where contact.company == nil && contact.department == nil: addOrganization(fields)
        case "TITLE" where contact.jobTitle == nil: contact.jobTitle = text
        case "ROLE" where role == nil: role = text
        case "NOTE": notes.append(text)
        case "X-SWITCHBOARD-SHORTCODE" where contact.shortCode == nil: contact.shortCode = text
        case "BDAY" where contact.birthday == nil:
            guard let day = VCardFields.birthday(text, omittedYear: property.parameter("X-APPLE-OMIT-YEAR")) else {
                return keep(property, text)
            }
            contact.birthday = day
        case "TEL":
            let isURI = property.parameter("VALUE")?.lowercased() == "uri" || text.lowercasedHasPrefix("tel:")
            let number = isURI ? VCardFields.telephoneNumber(fromURI: text) : text
            let types = types
            // `PREF` as a type or as `PREF=n`; labels never add it.
            let preferred =
                (types.contains(.pref) || property.parameter("PREF") != nil)
                && !contact.phones.contains(where: \.preferred)
            contact.phones.append(PhoneEntry(type: VCardFields.phoneType(types), number: number, preferred: preferred))
        case "EMAIL":
            let address = text.lowercasedHasPrefix("mailto:") ? String(text.dropFirst(7)) : text
            let type = VCardFields.emailType(types)
            guard !contact.emails.contains(where: { $0.type == type }) else { return keep(property, address) }
            contact.emails.append(EmailEntry(type: type, address: address))
        case "ADR": addAddress(fields, type: VCardFields.addressType(types), property: property)
        case "LABEL": notices.append(.dropped(property: property.name))
        case _ where text.lowercasedHasPrefix("data:"): notices.append(.dropped(property: property.name))
        default: keep(property, text)
        }
    }

    private mutating func addName(_ fields: [String]) {
        let field = { (index: Int) in fields.indices.contains(index) && !fields[index].isEmpty ? fields[index] : nil }
        contact.lastName = field(0)
        contact.firstName = field(1)
        contact.middleName = field(2)
        if contact.firstName == nil, let middle = contact.middleName {
            // Middle names without a given name are the name people use.
            contact.firstName = middle
            contact.middleName = nil
        }
        contact.title = field(3)
        contact.suffix = field(4)
    }

    private mutating func addOrganization(_ fields: [String]) {
        contact.company = fields[0].isEmpty ? nil : fields[0]
        var units: String?
        for unit in fields.dropFirst() where !unit.isEmpty { units = units.map { $0 + ", " + unit } ?? unit }
        contact.department = units
    }

    /// pobox; extended; street; city; region; code; country. The street keeps the other two as extra lines.
    private mutating func addAddress(_ fields: [String], type: AddressType, property: VCardProperty) {
        let field = { (index: Int) in fields.indices.contains(index) && !fields[index].isEmpty ? fields[index] : nil }
        guard !contact.addresses.contains(where: { $0.type == type }) else {
            return keep(property, fields.filter { !$0.isEmpty }.joined(separator: ", "))
        }
        var street: String?
        for index in stride(from: 2, through: 0, by: -1) {
            if let line = field(index) { street = street.map { $0 + "\n" + line } ?? line }
        }
        contact.addresses.append(
            PostalAddress(
                type: type, street: street, postalCode: field(5), city: field(3),
                region: field(4), country: field(6)))
    }

    private mutating func addPhoto(_ property: VCardProperty) {
        let encoding = property.parameter("ENCODING")?.uppercased()
        guard property.value.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
        guard photo == nil else { return notices.append(.dropped(property: property.name)) }
        if encoding == "B" || encoding == "BASE64" {
            // Decoded from the bytes: a photo is most of a file, too big to go through `String` first.
            photo = VCardValue.base64Decoded(property.value)
        } else {
            let text = VCardValue.unescaped(property.rawText(transcoded: transcoded).text).trimmed
            guard text.lowercasedHasPrefix("data:") else { return keep(property, text) }
            photo = VCardFields.dataURI(text)
        }
        if photo == nil { problems.append(VCardProblem(line: property.line, kind: .malformedPhoto)) }
    }

    /// Apple's `X-ABLabel` for the property's group.
    private func label(of property: VCardProperty) -> String? {
        labels.isEmpty ? nil : labels[property.group?.lowercased() ?? ""]
    }

    /// Appends "NAME: value" to the notes, with Apple's label when the property has one: "URL (HomePage): …".
    private mutating func keep(_ property: VCardProperty, _ value: String) {
        let label = label(of: property).map {
            " (" + $0.replacingOccurrences(of: "_$!<", with: "").replacingOccurrences(of: ">!$_", with: "") + ")"
        }
        keep(property.name, value, label: property.name + (label ?? ""))
    }

    private mutating func keep(_ name: String, _ value: String, label: String? = nil) {
        guard !value.isEmpty else { return }
        keptLines.append("\(label ?? name): \(value)")
        notices.append(.keptInNotes(property: name, value: value))
    }
}
