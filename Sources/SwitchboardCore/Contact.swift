import Foundation

/// Kinds of telephone numbers a contact can have.
public enum PhoneType: String, CaseIterable, Codable, Sendable {
    case business
    case `private`
    case mobile
    case businessFax = "business-fax"
    case privateFax = "private-fax"
    case other
}

public enum EmailType: String, CaseIterable, Codable, Sendable {
    case business
    case `private`
}

public enum AddressType: String, CaseIterable, Codable, Sendable {
    case business
    case `private`
}

public struct PhoneEntry: Equatable, Codable, Sendable {
    public var type: PhoneType
    /// As entered or imported: what people read.
    public var number: String
    public var preferred: Bool

    public init(type: PhoneType, number: String, preferred: Bool = false) {
        self.type = type
        self.number = number
        self.preferred = preferred
    }

    /// What a phone dials (the main number, a pause and the extension when it has one), or `nil` when the text is
    /// not a number.
    public var dialable: String? { PhoneNumber.dialable(number) }
}

public struct EmailEntry: Equatable, Codable, Sendable {
    public var type: EmailType
    public var address: String

    public init(type: EmailType, address: String) {
        self.type = type
        self.address = address
    }
}

public struct PostalAddress: Equatable, Codable, Sendable {
    public var type: AddressType
    public var street: String?
    public var postalCode: String?
    public var city: String?
    public var region: String?
    public var country: String?

    public init(
        type: AddressType, street: String? = nil, postalCode: String? = nil, city: String? = nil,
        region: String? = nil, country: String? = nil
    ) {
        self.type = type
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.region = region
        self.country = country
    }

    public var isEmpty: Bool { [street, postalCode, city, region, country].allSatisfy { ($0 ?? "").isEmpty } }
}

/// An address-book entry. Every field is optional except that the contact must have a name:
/// an explicit display name, or one derived from first/last name or company.
public struct Contact: Equatable, Codable, Sendable {
    /// The name's prefix ("Dr.", "Mme").
    public var title: String?
    public var firstName: String?
    /// Middle names (vCard N's additional names, Outlook's "Middle Name").
    public var middleName: String?
    public var lastName: String?
    /// The name's suffix ("Jr.", "III", "PhD").
    public var suffix: String?
    /// As stored; empty means "derive it" (see `resolvedDisplayName`).
    public var displayName: String?
    public var company: String?
    public var department: String?
    public var jobTitle: String?
    /// "YYYY-MM-DD", or "--MM-DD" when the year is unknown (as vCard writes it).
    public var birthday: String?
    public var notes: String?
    /// Speed-dial code, unique across the address books.
    public var shortCode: String?
    public var phones: [PhoneEntry]
    public var emails: [EmailEntry]
    public var addresses: [PostalAddress]

    public init(
        title: String? = nil, firstName: String? = nil, middleName: String? = nil, lastName: String? = nil,
        suffix: String? = nil, displayName: String? = nil, company: String? = nil, department: String? = nil,
        jobTitle: String? = nil, birthday: String? = nil,
        notes: String? = nil, shortCode: String? = nil, phones: [PhoneEntry] = [], emails: [EmailEntry] = [],
        addresses: [PostalAddress] = []
    ) {
        self.title = title
        self.firstName = firstName
        self.middleName = middleName
        self.lastName = lastName
        self.suffix = suffix
        self.displayName = displayName
        self.company = company
        self.department = department
        self.jobTitle = jobTitle
        self.birthday = birthday
        self.notes = notes
        self.shortCode = shortCode
        self.phones = phones
        self.emails = emails
        self.addresses = addresses
    }

    /// The explicit display name, else "First Middle Last Suffix", else the company; `nil` when none is known.
    public var resolvedDisplayName: String? {
        if let name = displayName?.trimmed, !name.isEmpty { return name }
        let first = firstName?.trimmed ?? ""
        let last = lastName?.trimmed ?? ""
        var person = first.isEmpty ? last : last.isEmpty ? first : first + " " + last
        if !person.isEmpty {
            // Only when there is a name to go with them: a middle name or a suffix alone does not name anyone.
            if let middle = middleName?.trimmed, !middle.isEmpty, !first.isEmpty {
                person = first + " " + middle + (last.isEmpty ? "" : " " + last)
            }
            if let suffix = suffix?.trimmed, !suffix.isEmpty { person += " " + suffix }
            return person
        }
        if let company = company?.trimmed, !company.isEmpty { return company }
        return nil
    }

    /// The number to dial by default: the preferred one, else the first.
    public var preferredPhone: PhoneEntry? { phones.first(where: \.preferred) ?? phones.first }
}
