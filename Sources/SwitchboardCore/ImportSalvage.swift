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
            if PhoneNumber.dialable(number) != nil {
                // Extensions included: "+33 4 72 00 00 01 ext. 204" is a number (`PhoneNumber.withExtension`).
                contact.phones.append(phone)
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
