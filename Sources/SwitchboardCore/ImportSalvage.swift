import Foundation

/// One rule for every importer (vCard and CSV): what `ContactRules` would refuse in an imported contact — a number
/// that cannot be dialled, an address that cannot be an e-mail address, a birthday that is not a date, a malformed
/// speed-dial code — moves to the notes as "PROPERTY: value" (the vCard property's name, whatever the file) and is
/// reported, and the contact is kept. Only a contact with no name at all cannot be imported.
public enum ImportSalvage {
    /// A value kept in the notes rather than in its field.
    public struct Kept: Equatable, Sendable {
        public let property: String
        public let value: String

        public init(property: String, value: String) {
            self.property = property
            self.value = value
        }
    }

    /// The property Switchboard writes a contact's speed-dial code in.
    public static let shortCodeProperty = "X-SWITCHBOARD-SHORTCODE"

    /// `contact` with every unusable value moved to its notes, and those values in order.
    public static func storable(_ contact: Contact) -> (contact: Contact, kept: [Kept]) {
        var contact = contact
        var kept: [Kept] = []
        func keep(_ property: String, _ value: String) {
            keepInNotes(&contact, property: property, value: value)
            kept.append(Kept(property: property, value: value))
        }
        let phones = contact.phones
        contact.phones = []
        for phone in phones {
            let number = phone.number.trimmed
            if number.isEmpty { continue }
            if PhoneNumber.normalized(number) != nil {
                contact.phones.append(phone)
            } else if let main = mainNumber(of: number) {
                // "+33 4 72 00 00 01 ext. 204": the number is dialled, the extension is read in the notes.
                contact.phones.append(PhoneEntry(type: phone.type, number: main, preferred: phone.preferred))
                keep("TEL", number)
            } else {
                keep("TEL", number)
            }
        }
        let emails = contact.emails
        contact.emails = []
        for email in emails {
            let address = email.address.trimmed
            if address.isEmpty { continue }
            if ProfileRules.isPlausibleEmail(address) {
                contact.emails.append(email)
            } else {
                keep("EMAIL", address)
            }
        }
        if let birthday = contact.birthday?.trimmed, !birthday.isEmpty, !ContactRules.isBirthday(birthday) {
            contact.birthday = nil
            keep("BDAY", birthday)
        }
        if let code = contact.shortCode?.trimmed, !code.isEmpty, !ContactRules.isShortCode(code) {
            contact.shortCode = nil
            keep(shortCodeProperty, code)
        }
        return (contact, kept)
    }

    /// The dialable part of a number followed by an extension ("… ext. 204", "… x204"), if it has one.
    static func mainNumber(of number: String) -> String? {
        let pattern = #"^(.*?\d)[\s,;]*(?:ext\.?|x)\s*\d{1,6}$"#
        guard let range = number.range(of: pattern, options: [.regularExpression, .caseInsensitive]) else {
            return nil
        }
        let main = String(number[range]).replacingOccurrences(
            of: #"[\s,;]*(?:ext\.?|x)\s*\d{1,6}$"#, with: "", options: [.regularExpression, .caseInsensitive])
        return PhoneNumber.normalized(main) != nil ? main : nil
    }

    /// Appends "PROPERTY: value" as a last line of the notes.
    public static func keepInNotes(_ contact: inout Contact, property: String, value: String) {
        let line = "\(property): \(value)"
        if let notes = contact.notes, !notes.isEmpty {
            contact.notes = notes + "\n" + line
        } else {
            contact.notes = line
        }
    }
}
