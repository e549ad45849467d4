import Foundation

public enum ContactViolation: Error, Equatable, Sendable {
    /// No display name, first/last name or company to call the contact by.
    case nameMissing
    case emailInvalid(String)
    case numberInvalid(String)
    /// Speed-dial codes are 1 to 6 digits.
    case shortCodeInvalid
    case birthdayInvalid
}

public enum ContactRules {
    /// Trims every text, drops empty entries, keeps at most one preferred number, and checks what
    /// can be checked. Numbers are kept as written (people read them); they must be dialable.
    public static func normalized(_ input: Contact) throws(ContactViolation) -> Contact {
        func clean(_ value: String?) -> String? {
            guard let value = value?.trimmed, !value.isEmpty else { return nil }
            return value
        }
        var contact = input
        contact.title = clean(input.title)
        contact.firstName = clean(input.firstName)
        contact.lastName = clean(input.lastName)
        contact.displayName = clean(input.displayName)
        contact.company = clean(input.company)
        contact.department = clean(input.department)
        contact.jobTitle = clean(input.jobTitle)
        contact.notes = clean(input.notes)
        contact.shortCode = clean(input.shortCode)
        contact.birthday = clean(input.birthday)
        guard contact.resolvedDisplayName != nil else { throw .nameMissing }
        if let code = contact.shortCode, !isShortCode(code) { throw .shortCodeInvalid }
        if let birthday = contact.birthday, !isBirthday(birthday) { throw .birthdayInvalid }

        contact.phones = []
        for entry in input.phones {
            let number = entry.number.trimmed
            guard !number.isEmpty else { continue }
            guard PhoneNumber.normalized(number) != nil else { throw .numberInvalid(number) }
            let preferred = entry.preferred && !contact.phones.contains(where: \.preferred)
            contact.phones.append(PhoneEntry(type: entry.type, number: number, preferred: preferred))
        }
        contact.emails = []
        for entry in input.emails {
            let address = entry.address.trimmed
            guard !address.isEmpty else { continue }
            guard ProfileRules.isPlausibleEmail(address) else { throw .emailInvalid(address) }
            contact.emails.append(EmailEntry(type: entry.type, address: address))
        }
        contact.addresses = input.addresses.map { address in
            PostalAddress(
                type: address.type, street: clean(address.street), postalCode: clean(address.postalCode),
                city: clean(address.city), region: clean(address.region), country: clean(address.country))
        }.filter { !$0.isEmpty }
        return contact
    }

    /// 1 to 6 digits.
    public static func isShortCode(_ code: String) -> Bool {
        (1...6).contains(code.count) && code.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// "YYYY-MM-DD" (a real date) or "--MM-DD" when the year is unknown.
    public static func isBirthday(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let (year, month, day): (Int?, Int?, Int?) =
            if text.hasPrefix("--"), parts.count == 4 {
                (2000, Int(parts[2]), Int(parts[3]))
            } else if parts.count == 3, parts[0].count == 4 { (Int(parts[0]), Int(parts[1]), Int(parts[2])) } else {
                (nil, nil, nil)
            }
        guard let year, let month, let day, (1...12).contains(month), (1...31).contains(day) else { return false }
        var components = DateComponents(year: year, month: month, day: day)
        components.calendar = Calendar(identifier: .gregorian)
        return components.isValidDate
    }
}
