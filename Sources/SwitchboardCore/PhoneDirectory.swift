/// Remote phone books as desk phones download them. Written in three parts — `header`, one
/// `entry` per contact, `footer` — so a large group streams without sitting in memory whole.
public enum PhoneDirectoryFormat: String, CaseIterable, Sendable {
    /// `YealinkIPPhoneDirectory` / `DirectoryEntry` (Name, one Telephone per number).
    case yealink
    /// `SnomIPPhoneDirectory`: one `DirectoryEntry` per number (Snom shows one number per entry).
    case snom
    /// Grandstream's downloadable phonebook: `AddressBook` / `Contact` / `Phone type=…`.
    case grandstream
    /// Fanvil's remote phonebook: `PhoneBook` / `DirectoryEntry` with Telephone, Mobile, Other.
    case fanvil
    /// Switchboard's own, for anything else: `Directory` / `Entry` / `Number type=…`.
    case xml
}

/// One contact as a phone book shows it. Fax numbers are left out: a desk phone cannot use them.
public struct PhoneDirectoryEntry: Equatable, Sendable {
    public var name: String
    public var firstName: String?
    public var lastName: String?
    public var numbers: [PhoneEntry]

    public init(name: String, firstName: String? = nil, lastName: String? = nil, numbers: [PhoneEntry]) {
        self.name = name
        self.firstName = firstName
        self.lastName = lastName
        self.numbers = numbers.filter { $0.type != .businessFax && $0.type != .privateFax }
    }

    /// Numbers as the phone dials them (spaces and punctuation out), preferred first.
    var dialled: [(type: PhoneType, number: String)] {
        let ordered = numbers.filter(\.preferred) + numbers.filter { !$0.preferred }
        return ordered.map { ($0.type, $0.dialable ?? $0.number) }
    }
}

public enum PhoneDirectoryXML {
    public static func header(_ format: PhoneDirectoryFormat, title: String) -> String {
        let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        switch format {
        case .yealink:
            return declaration + "<YealinkIPPhoneDirectory>\n"
        case .snom:
            return declaration + "<SnomIPPhoneDirectory>\n"
                + "<Title>\(escape(title))</Title>\n<Prompt>Prompt</Prompt>\n"
        case .grandstream:
            return declaration + "<AddressBook>\n"
        case .fanvil:
            return declaration + "<PhoneBook>\n"
        case .xml:
            return declaration + "<Directory title=\"\(escape(title))\">\n"
        }
    }

    public static func footer(_ format: PhoneDirectoryFormat) -> String {
        switch format {
        case .yealink: "</YealinkIPPhoneDirectory>\n"
        case .snom: "</SnomIPPhoneDirectory>\n"
        case .grandstream: "</AddressBook>\n"
        case .fanvil: "</PhoneBook>\n"
        case .xml: "</Directory>\n"
        }
    }

    /// The entry's XML; empty for a contact without a number the phone could dial.
    public static func entry(_ format: PhoneDirectoryFormat, _ entry: PhoneDirectoryEntry) -> String {
        let numbers = entry.dialled
        guard !numbers.isEmpty else { return "" }
        let name = escape(entry.name)
        switch format {
        case .yealink:
            return "<DirectoryEntry><Name>\(name)</Name>"
                + numbers.map { "<Telephone>\(escape($0.number))</Telephone>" }.joined() + "</DirectoryEntry>\n"
        case .snom:
            // Several numbers: the type tells the entries apart on the phone's screen.
            return numbers.map { number in
                let shown = numbers.count > 1 ? "\(entry.name) (\(label(number.type)))" : entry.name
                return "<DirectoryEntry><Name>\(escape(shown))</Name><Telephone>\(escape(number.number))</Telephone>"
                    + "</DirectoryEntry>\n"
            }.joined()
        case .grandstream:
            let hasParts = !(entry.firstName ?? "").isEmpty || !(entry.lastName ?? "").isEmpty
            let first = hasParts ? entry.firstName ?? "" : entry.name
            let last = hasParts ? entry.lastName ?? "" : ""
            return "<Contact><FirstName>\(escape(first))</FirstName><LastName>\(escape(last))</LastName>"
                + numbers.map {
                    "<Phone type=\"\(label($0.type))\"><phonenumber>\(escape($0.number))</phonenumber>"
                        + "<accountindex>0</accountindex></Phone>"
                }.joined() + "</Contact>\n"
        case .fanvil:
            // Fanvil has one office, one mobile and one other number per entry.
            let mobile = numbers.first { $0.type == .mobile }
            let office = numbers.first { $0.type == .business } ?? numbers.first { $0.type != .mobile }
            let other = numbers.first { $0.type != .mobile && $0.number != office?.number }
            return "<DirectoryEntry><Name>\(name)</Name>"
                + "<Telephone>\(escape(office?.number ?? ""))</Telephone>"
                + "<Mobile>\(escape(mobile?.number ?? ""))</Mobile>"
                + "<Other>\(escape(other?.number ?? ""))</Other></DirectoryEntry>\n"
        case .xml:
            return "<Entry><Name>\(name)</Name>"
                + numbers.map { "<Number type=\"\($0.type.rawValue)\">\(escape($0.number))</Number>" }.joined()
                + "</Entry>\n"
        }
    }

    /// Text and attribute escaping; characters XML 1.0 forbids (controls other than tab) are dropped,
    /// line breaks become spaces: a phone book name is one line.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\n": escaped += " "
            case "\t": escaped.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                guard value >= 0x20, value != 0xFFFE, value != 0xFFFF else { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The phone-book type name (Grandstream's `type` values; also the Snom suffix).
    static func label(_ type: PhoneType) -> String {
        switch type {
        case .business: "Work"
        case .private: "Home"
        case .mobile: "Mobile"
        case .businessFax, .privateFax: "Fax"
        case .other: "Other"
        }
    }
}
