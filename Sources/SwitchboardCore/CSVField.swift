/// The parts of a postal address a CSV column can hold.
public enum CSVAddressPart: String, CaseIterable, Sendable {
    case street
    /// A second street line, joined to the first with a line break.
    case street2 = "street_2"
    case postalCode = "postal_code"
    case city, region, country
}

/// What a CSV column means for a contact. Its `key` names it in Switchboard's own format, in saved custom
/// mappings and in forms ("phone.business", "address.private.city").
public enum CSVField: Hashable, Sendable {
    case ignore
    case title, firstName, middleName, lastName, suffix, displayName, company, department, jobTitle, notes, shortCode
    /// "YYYY-MM-DD", "--MM-DD", or a day-first / month-first date as exporters write it.
    case birthday
    case birthYear, birthMonth, birthDay
    case phone(PhoneType)
    /// The number (as written) that is the preferred one.
    case preferredPhone
    case email(EmailType)
    case address(AddressType, CSVAddressPart)
    /// Google's pairs: "Phone 1 - Label" says what "Phone 1 - Value" is.
    case phoneLabel(Int), labelledPhone(Int), emailLabel(Int), labelledEmail(Int)
    case addressLabel(Int), labelledAddress(Int, CSVAddressPart)

    public var key: String {
        switch self {
        case .ignore: "ignore"
        case .title: "title"
        case .firstName: "first_name"
        case .middleName: "middle_name"
        case .lastName: "last_name"
        case .suffix: "suffix"
        case .displayName: "display_name"
        case .company: "company"
        case .department: "department"
        case .jobTitle: "job_title"
        case .notes: "notes"
        case .shortCode: "short_code"
        case .birthday: "birthday"
        case .birthYear: "birth_year"
        case .birthMonth: "birth_month"
        case .birthDay: "birth_day"
        case .phone(let type): "phone.\(type.rawValue)"
        case .preferredPhone: "preferred_phone"
        case .email(let type): "email.\(type.rawValue)"
        case .address(let type, let part): "address.\(type.rawValue).\(part.rawValue)"
        case .phoneLabel(let slot): "phone_label.\(slot)"
        case .labelledPhone(let slot): "labelled_phone.\(slot)"
        case .emailLabel(let slot): "email_label.\(slot)"
        case .labelledEmail(let slot): "labelled_email.\(slot)"
        case .addressLabel(let slot): "address_label.\(slot)"
        case .labelledAddress(let slot, let part): "labelled_address.\(slot).\(part.rawValue)"
        }
    }

    public init?(key: String) {
        let parts = key.split(separator: ".").map(String.init)
        switch parts.count {
        case 1:
            guard let field = Self.simple.first(where: { $0.key == key }) else { return nil }
            self = field
        case 2:
            switch parts[0] {
            case "phone": guard let type = PhoneType(rawValue: parts[1]) else { return nil }; self = .phone(type)
            case "email": guard let type = EmailType(rawValue: parts[1]) else { return nil }; self = .email(type)
            case "phone_label": guard let slot = Int(parts[1]) else { return nil }; self = .phoneLabel(slot)
            case "labelled_phone": guard let slot = Int(parts[1]) else { return nil }; self = .labelledPhone(slot)
            case "email_label": guard let slot = Int(parts[1]) else { return nil }; self = .emailLabel(slot)
            case "labelled_email": guard let slot = Int(parts[1]) else { return nil }; self = .labelledEmail(slot)
            case "address_label": guard let slot = Int(parts[1]) else { return nil }; self = .addressLabel(slot)
            default: return nil
            }
        case 3:
            guard let part = CSVAddressPart(rawValue: parts[2]) else { return nil }
            if parts[0] == "address", let type = AddressType(rawValue: parts[1]) {
                self = .address(type, part)
            } else if parts[0] == "labelled_address", let slot = Int(parts[1]) {
                self = .labelledAddress(slot, part)
            } else {
                return nil
            }
        default: return nil
        }
    }

    private static let simple: [CSVField] = [
        .ignore, .title, .firstName, .middleName, .lastName, .suffix, .displayName, .company, .department, .jobTitle,
        .notes, .shortCode, .birthday, .birthYear, .birthMonth, .birthDay, .preferredPhone,
    ]

    /// What a custom mapping offers for a column, in the order of the contact form.
    public static let choices: [CSVField] = {
        var fields: [CSVField] = [
            .ignore, .title, .firstName, .middleName, .lastName, .suffix, .displayName, .company, .department,
            .jobTitle,
        ]
        fields += PhoneType.allCases.map(CSVField.phone)
        fields.append(.preferredPhone)
        fields += EmailType.allCases.map(CSVField.email)
        for type in AddressType.allCases { fields += CSVAddressPart.allCases.map { CSVField.address(type, $0) } }
        fields += [.birthday, .birthYear, .birthMonth, .birthDay, .shortCode, .notes]
        return fields
    }()
}
