import Foundation

/// Makes an imported card storable without losing anything: what `ContactRules` would refuse (a
/// number that cannot be dialled, an implausible e-mail address, a birthday that is not a date, a
/// malformed speed-dial code) moves to the notes, as the reader does with properties that have no
/// field, and is reported the same way. Only a card with no name at all cannot be imported, and the
/// reader already leaves those out.
public enum VCardImportRules {
    public static func importable(_ card: VCardCard) -> (contact: Contact, notices: [VCardNotice]) {
        var contact = card.contact
        var notices = card.notices
        func keep(_ property: String, _ value: String) {
            keepInNotes(&contact, property: property, value: value)
            notices.append(.keptInNotes(property: property, value: value))
        }
        let phones = contact.phones
        contact.phones = []
        for phone in phones {
            let number = phone.number.trimmingCharacters(in: .whitespacesAndNewlines)
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
            let address = email.address.trimmingCharacters(in: .whitespacesAndNewlines)
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
        return (contact, notices)
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

    /// The property Switchboard writes a contact's speed-dial code in.
    public static let shortCodeProperty = "X-SWITCHBOARD-SHORTCODE"

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
