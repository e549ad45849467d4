import Foundation

/// The field of each column of one file, from a template or built by hand in the preview.
public struct CSVMapping: Equatable, Sendable {
    public var fields: [CSVField]
    public var undoesNeutralisation: Bool
    /// "03/04/1980" is the 3rd of April (French and German exports), not March the 4th.
    public var dayFirst: Bool

    public init(fields: [CSVField], undoesNeutralisation: Bool = false, dayFirst: Bool = true) {
        self.fields = fields
        self.undoesNeutralisation = undoesNeutralisation
        self.dayFirst = dayFirst
    }

    /// A saved or typed mapping: field keys, one per column ("ignore" for the others).
    public init?(keys: [String]) {
        var fields: [CSVField] = []
        for key in keys {
            guard let field = CSVField(key: key) else { return nil }
            fields.append(field)
        }
        self.init(fields: fields)
    }

    public var keys: [String] { fields.map(\.key) }

    /// What the row says, not yet checked by `ContactRules`. Extra cells (beyond the header) are ignored.
    public func contact(from row: CSVRow) -> Contact {
        var contact = Contact()
        var birth: (year: String?, month: String?, day: String?) = (nil, nil, nil)
        var labels: [String: String] = [:]
        var labelled: [Int: (phones: [String], emails: [String], address: [CSVAddressPart: String])] = [:]
        var addresses: [AddressType: [CSVAddressPart: String]] = [:]
        var preferred: String?

        for (index, field) in fields.enumerated() where index < row.cells.count {
            var value = row.cells[index]
            if undoesNeutralisation { value = CSVWriter.denormalised(value) }
            value = value.trimmedSpaces
            guard !value.isEmpty else { continue }
            switch field {
            case .ignore: continue
            case .title: contact.title = value
            case .firstName: contact.firstName = value
            case .middleName: contact.middleName = value
            case .suffix: contact.suffix = value
            case .lastName: contact.lastName = value
            case .displayName: contact.displayName = value
            case .company: contact.company = value
            case .department: contact.department = value
            case .jobTitle: contact.jobTitle = value
            case .notes: contact.notes = Self.join(contact.notes, value)
            case .shortCode: contact.shortCode = value
            case .birthday: contact.birthday = Self.birthday(value, dayFirst: dayFirst)
            case .birthYear: birth.year = value
            case .birthMonth: birth.month = value
            case .birthDay: birth.day = value
            case .phone(let type):
                contact.phones += Self.numbers(value).map { PhoneEntry(type: type, number: $0) }
            case .preferredPhone: preferred = value
            case .email(let type):
                contact.emails += Self.emails(value).map { EmailEntry(type: type, address: $0) }
            case .address(let type, let part): addresses[type, default: [:]][part] = value
            case .phoneLabel(let slot): labels["phone\(slot)"] = value
            case .emailLabel(let slot): labels["email\(slot)"] = value
            case .addressLabel(let slot): labels["address\(slot)"] = value
            case .labelledPhone(let slot): labelled[slot, default: ([], [], [:])].phones += Self.numbers(value)
            case .labelledEmail(let slot): labelled[slot, default: ([], [], [:])].emails += Self.emails(value)
            case .labelledAddress(let slot, let part): labelled[slot, default: ([], [], [:])].address[part] = value
            }
        }
        if birth.month != nil || birth.day != nil {
            contact.birthday = Self.birthday(year: birth.year, month: birth.month, day: birth.day)
        }
        for slot in labelled.keys.sorted() {
            let entry = labelled[slot]!
            let phoneLabel = labels["phone\(slot)"] ?? ""
            contact.phones += entry.phones.map { PhoneEntry(type: Self.phoneType(phoneLabel), number: $0) }
            if phoneLabel.hasPrefix("*"), let first = entry.phones.first { preferred = preferred ?? first }
            contact.emails += entry.emails.map {
                EmailEntry(type: Self.isWork(labels["email\(slot)"]) ? .business : .private, address: $0)
            }
            if !entry.address.isEmpty {
                addresses[Self.isWork(labels["address\(slot)"]) ? .business : .private] = entry.address
            }
        }
        for type in AddressType.allCases {
            guard let parts = addresses[type] else { continue }
            let street = [parts[.street], parts[.street2]].compactMap { $0 }.joined(separator: "\n")
            contact.addresses.append(
                PostalAddress(
                    type: type, street: street.isEmpty ? nil : street, postalCode: parts[.postalCode],
                    city: parts[.city], region: parts[.region], country: parts[.country]))
        }
        if let preferred, let index = contact.phones.firstIndex(where: { $0.number == preferred }) {
            contact.phones[index].preferred = true
        }
        return contact
    }

    /// Several numbers or e-mails in one cell: one per line (our format), or Google's " ::: ".
    static func values(_ cell: String) -> [String] {
        if !cell.utf8.contains(where: { (0x0A...0x0D).contains($0) || $0 >= 0x80 || $0 == UInt8(ascii: ":") }) {
            // One value on one line (the common case): no split to make.
            let value = cell.trimmedSpaces
            return value.isEmpty ? [] : [value]
        }
        let lines = cell.containsBytes(" ::: ") ? cell.replacingOccurrences(of: " ::: ", with: "\n") : cell
        return lines.split(whereSeparator: \.isNewline).map { String($0).trimmedSpaces }.filter { !$0.isEmpty }
    }

    /// Several e-mail addresses in one cell: by line, and separated by `;` or `,` — split only when every piece has an
    /// `@` (a quoted local part may hold a comma; a cell that does not split cleanly stays whole).
    static func emails(_ cell: String) -> [String] {
        split(values(cell), at: { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") }) {
            $0.utf8.contains(UInt8(ascii: "@"))
        }
    }

    /// Several numbers in one cell: by line, and separated by `;` or " / " — split only when every piece is a number
    /// (a comma is a dialling pause, never a separator).
    static func numbers(_ cell: String) -> [String] {
        var lines = values(cell)
        if lines.contains(where: { $0.containsBytes(" / ") }) {
            lines = lines.map { $0.replacingOccurrences(of: " / ", with: ";") }
        }
        return split(lines, at: { $0 == UInt8(ascii: ";") }) { PhoneNumber.normalized($0) != nil }
    }

    /// Each of `lines` cut at `separators` when every piece passes `accepts`; otherwise left whole.
    private static func split(_ lines: [String], at separators: (UInt8) -> Bool, accepts: (String) -> Bool) -> [String]
    {
        // One value without a separator (the common case): nothing to split.
        guard lines.contains(where: { $0.utf8.contains(where: separators) }) else { return lines }
        return lines.flatMap { line -> [String] in
            guard line.utf8.contains(where: separators) else { return [line] }
            let pieces = line.utf8.split(whereSeparator: separators).compactMap { piece -> String? in
                let text = String(decoding: piece, as: UTF8.self).trimmedSpaces
                return text.isEmpty ? nil : text
            }
            return !pieces.isEmpty && pieces.allSatisfy(accepts) ? pieces : [line]
        }
    }

    static func join(_ first: String?, _ second: String) -> String {
        guard let first, !first.isEmpty else { return second }
        return first + "\n" + second
    }

    static func phoneType(_ label: String) -> PhoneType {
        let text = SearchFolding.fold(label)
        let isPrivate = ["home", "private", "prive", "privat", "domicile", "personal"].contains { text.contains($0) }
        if text.contains("fax") { return isPrivate ? .privateFax : .businessFax }
        if ["mobile", "cell", "handy", "portable", "iphone"].contains(where: { text.contains($0) }) { return .mobile }
        if isPrivate { return .private }
        if ["work", "business", "bureau", "main", "office"].contains(where: { text.contains($0) }) {
            return .business
        }
        return .other
    }

    static func isWork(_ label: String?) -> Bool {
        let text = SearchFolding.fold(label ?? "")
        return ["work", "business", "bureau", "office"].contains { text.contains($0) }
    }

    /// Our "YYYY-MM-DD" from what exporters write: ISO (with a time), "--MM-DD", "DD/MM/YYYY", "DD.MM.YYYY",
    /// "M/D/YYYY". Outlook's empty date ("0/0/00", "00.00.0000") is no birthday. Anything else is kept as
    /// written, and `ContactRules` refuses it with a clear reason.
    static func birthday(_ text: String, dayFirst: Bool) -> String? {
        let date = text.split(separator: " ").first.map(String.init) ?? text
        if date.hasPrefix("--") || (date.count == 10 && date.dropFirst(4).first == "-") { return date }
        let parts = date.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).compactMap { Int($0) }
        guard parts.count == 3 else { return text }
        if parts.allSatisfy({ $0 == 0 }) { return nil }
        var (day, month, year) = dayFirst ? (parts[0], parts[1], parts[2]) : (parts[1], parts[0], parts[2])
        if month > 12, day <= 12 { swap(&day, &month) }
        if year < 100 { year += year < 30 ? 2000 : 1900 }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    static func birthday(year: String?, month: String?, day: String?) -> String? {
        guard let month = month.flatMap({ Int($0) }), let day = day.flatMap({ Int($0) }) else { return nil }
        if let year = year.flatMap({ Int($0) }), year > 0 { return String(format: "%04d-%02d-%02d", year, month, day) }
        return String(format: "--%02d-%02d", month, day)
    }
}

/// Switchboard's own CSV format: one column per field, named by its key; several numbers or e-mails of a kind
/// one per line in their cell; the preferred number repeated in `preferred_phone`. A file whose first header
/// cell is `phonebook_v1` is a legacy phone-book export (it goes to the "phone book v1" group).
/// Numbers come back grouped by kind in the column order (business, private, mobile, faxes, other).
public enum SwitchboardCSV {
    public static let phoneBookV1Marker = "phonebook_v1"

    public static let fields: [CSVField] = {
        var fields: [CSVField] = [
            .displayName, .title, .firstName, .middleName, .lastName, .suffix, .company, .department, .jobTitle,
            .birthday, .shortCode,
        ]
        fields += PhoneType.allCases.map(CSVField.phone)
        fields.append(.preferredPhone)
        fields += EmailType.allCases.map(CSVField.email)
        let parts: [CSVAddressPart] = [.street, .postalCode, .city, .region, .country]
        for type in AddressType.allCases { fields += parts.map { CSVField.address(type, $0) } }
        fields.append(.notes)
        return fields
    }()

    public static let header: [String] = fields.map(\.key)

    static let template = CSVTemplate(
        id: "switchboard", name: "Switchboard", columns: fields.map { ($0.key, $0) }, undoesNeutralisation: true)

    /// The row of `contact`, cells as they are (see `CSVWriter.neutralised` for writing them out).
    public static func row(for contact: Contact) -> [String] {
        fields.map { field in
            switch field {
            case .displayName: contact.displayName ?? ""
            case .title: contact.title ?? ""
            case .firstName: contact.firstName ?? ""
            case .middleName: contact.middleName ?? ""
            case .lastName: contact.lastName ?? ""
            case .suffix: contact.suffix ?? ""
            case .company: contact.company ?? ""
            case .department: contact.department ?? ""
            case .jobTitle: contact.jobTitle ?? ""
            case .birthday: contact.birthday ?? ""
            case .shortCode: contact.shortCode ?? ""
            case .notes: contact.notes ?? ""
            case .phone(let type):
                contact.phones.filter { $0.type == type }.map(\.number).joined(separator: "\n")
            case .preferredPhone: contact.phones.first(where: \.preferred)?.number ?? ""
            case .email(let type):
                contact.emails.filter { $0.type == type }.map(\.address).joined(separator: "\n")
            case .address(let type, let part):
                contact.addresses.first { $0.type == type }.flatMap { address -> String? in
                    switch part {
                    case .street, .street2: address.street
                    case .postalCode: address.postalCode
                    case .city: address.city
                    case .region: address.region
                    case .country: address.country
                    }
                } ?? ""
            default: ""
            }
        }
    }
}

/// What makes two contacts the same for an import: the same folded display name and at least one same
/// number (as dialled), or every field identical.
public struct CSVDuplicateKey: Hashable, Sendable {
    public let name: String
    public let numbers: Set<String>
    /// A hash of every field, as our own format writes them (equal for identical fields; a 64-bit hash, so two
    /// different rows of a file share one once in billions of billions of pairs).
    public let fingerprint: Int

    public init(_ contact: Contact) {
        name = Self.wordsSpaced(SearchFolding.fold(contact.resolvedDisplayName ?? ""))
        numbers = Set(contact.phones.compactMap(\.dialable))
        var hasher = Hasher()
        for cell in SwitchboardCSV.row(for: contact) { hasher.combine(cell) }
        fingerprint = hasher.finalize()
    }

    /// `text`'s words separated by one space: as it is when it is ASCII without white space other than single
    /// spaces between words (nearly every name), else split and joined again.
    static func wordsSpaced(_ text: String) -> String {
        var previous = UInt8(ascii: " ")
        for byte in text.utf8 {
            let isSpace = byte == UInt8(ascii: " ")
            guard byte < 0x80, !(0x09...0x0D).contains(byte), !(isSpace && previous == UInt8(ascii: " ")) else {
                return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            }
            previous = byte
        }
        return previous == UInt8(ascii: " ") && !text.isEmpty
            ? text.split(whereSeparator: \.isWhitespace).joined(separator: " ") : text
    }

    public func matches(_ other: CSVDuplicateKey) -> Bool {
        fingerprint == other.fingerprint || (name == other.name && !numbers.isDisjoint(with: other.numbers))
    }
}

extension Contact {
    /// This contact updated by `newer`: its non-empty fields win, numbers and e-mails not already here are
    /// added, and an address of a kind replaces ours of that kind.
    public func merging(_ newer: Contact) -> Contact {
        var merged = self
        merged.title = newer.title ?? title
        merged.firstName = newer.firstName ?? firstName
        merged.middleName = newer.middleName ?? middleName
        merged.lastName = newer.lastName ?? lastName
        merged.suffix = newer.suffix ?? suffix
        merged.displayName = newer.displayName ?? displayName
        merged.company = newer.company ?? company
        merged.department = newer.department ?? department
        merged.jobTitle = newer.jobTitle ?? jobTitle
        merged.birthday = newer.birthday ?? birthday
        merged.notes = newer.notes ?? notes
        merged.shortCode = newer.shortCode ?? shortCode
        let numbers = Set(phones.compactMap(\.dialable))
        let newPhones = newer.phones.filter { !numbers.contains($0.dialable ?? $0.number) }
        if newPhones.contains(where: \.preferred) {
            for index in merged.phones.indices { merged.phones[index].preferred = false }
        }
        merged.phones += newPhones
        let addresses = Set(emails.map { $0.address.lowercased() })
        merged.emails += newer.emails.filter { !addresses.contains($0.address.lowercased()) }
        for address in newer.addresses {
            merged.addresses.removeAll { $0.type == address.type }
            merged.addresses.append(address)
        }
        return merged
    }
}
