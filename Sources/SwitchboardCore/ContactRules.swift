import Foundation

public enum ContactViolation: Error, Equatable, Sendable {
    /// No display name, first/last name or company to call the contact by.
    case nameMissing
    case emailInvalid(String)
    case numberInvalid(String)
    /// Speed-dial codes are 1 to 6 digits.
    case shortCodeInvalid
    case birthdayInvalid
    /// A text longer than `ContactTextLimits` allows (names 50–250 characters, notes 10 000…), or more than 50
    /// numbers, e-mail or postal addresses.
    case tooLong(field: String, maximum: Int)
}

public enum ContactRules {
    /// Trims every text, drops empty entries, keeps at most one preferred number, and checks what
    /// can be checked. Numbers are kept as written (people read them); they must be dialable.
    public static func normalized(_ input: Contact) throws(ContactViolation) -> Contact {
        func clean(_ value: String?, _ field: ContactTextLimits.Field) throws(ContactViolation) -> String? {
            guard let value = value.map({ ContactTextLimits.withoutControlCharacters($0, in: field) })?.trimmed,
                !value.isEmpty
            else { return nil }
            guard ContactTextLimits.fits(value, field) else {
                throw .tooLong(field: field.rawValue, maximum: field.maximum)
            }
            return value
        }
        var contact = input
        contact.title = try clean(input.title, .title)
        contact.firstName = try clean(input.firstName, .firstName)
        contact.middleName = try clean(input.middleName, .middleName)
        contact.lastName = try clean(input.lastName, .lastName)
        contact.suffix = try clean(input.suffix, .suffix)
        contact.displayName = try clean(input.displayName, .displayName)
        contact.company = try clean(input.company, .company)
        contact.department = try clean(input.department, .department)
        contact.jobTitle = try clean(input.jobTitle, .jobTitle)
        contact.notes = try clean(input.notes, .notes)
        contact.shortCode = try clean(input.shortCode, .title)
        contact.birthday = try clean(input.birthday, .title)
        for (entries, field) in [
            (input.phones.count, ContactTextLimits.Field.phoneNumber), (input.emails.count, .email),
            (input.addresses.count, .street),
        ] where entries > ContactTextLimits.maximumEntries {
            throw .tooLong(field: field.rawValue, maximum: ContactTextLimits.maximumEntries)
        }
        guard contact.resolvedDisplayName != nil else { throw .nameMissing }
        if let code = contact.shortCode, !isShortCode(code) { throw .shortCodeInvalid }
        if let birthday = contact.birthday, !isBirthday(birthday) { throw .birthdayInvalid }

        contact.phones = []
        for entry in input.phones {
            let number = ContactTextLimits.withoutControlCharacters(entry.number, in: .phoneNumber).trimmed
            guard !number.isEmpty else { continue }
            guard ContactTextLimits.fits(number, .phoneNumber), PhoneNumber.dialable(number) != nil else {
                throw .numberInvalid(ContactTextLimits.cut(number, to: .phoneNumber))
            }
            let preferred = entry.preferred && !contact.phones.contains(where: \.preferred)
            contact.phones.append(PhoneEntry(type: entry.type, number: number, preferred: preferred))
        }
        contact.emails = []
        for entry in input.emails {
            let address = ContactTextLimits.withoutControlCharacters(entry.address, in: .email).trimmed
            guard !address.isEmpty else { continue }
            guard ContactTextLimits.fits(address, .email), ProfileRules.isPlausibleEmail(address) else {
                throw .emailInvalid(ContactTextLimits.cut(address, to: .email))
            }
            contact.emails.append(EmailEntry(type: entry.type, address: address))
        }
        contact.addresses = try input.addresses.map { address throws(ContactViolation) in
            PostalAddress(
                type: address.type, street: try clean(address.street, .street),
                postalCode: try clean(address.postalCode, .postalCode), city: try clean(address.city, .city),
                region: try clean(address.region, .region), country: try clean(address.country, .country))
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
        guard let year, let month, let day, (1...12).contains(month), day >= 1 else { return false }
        // The Gregorian calendar's month lengths, worked out rather than asked of `Calendar` (which every imported row
        // with a birthday paid for, twice).
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}
