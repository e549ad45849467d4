import Foundation

/// Writes a contact as one vCard with CRLF line endings; a file of many cards is their concatenation.
/// 2.1 is the default because desk phones and Outlook read it best; 3.0 and 4.0 are written on request.
///
/// `VCardReader` reads the result back to an equal contact, up to these normalisations: a display name
/// equal to the derived one ("First Last", else the company) and empty strings come back as `nil`,
/// values come back trimmed, and a second e-mail or address of the same type comes back in the notes.
public enum VCardWriter {
    public static func write(_ contact: Contact, photo: Data? = nil, version: VCardVersion = .v21) -> String {
        output(contact, photo: photo, version: version).text
    }

    /// The card's UTF-8 appended to `bytes` (an export writes thousands into one buffer).
    public static func append(
        _ contact: Contact, photo: Data? = nil, version: VCardVersion = .v21, to bytes: inout [UInt8]
    ) {
        bytes += output(contact, photo: photo, version: version).bytes
    }

    private static func output(_ contact: Contact, photo: Data?, version: VCardVersion) -> VCardOutput {
        var output = VCardOutput(version: version)
        output.addVerbatim("BEGIN", value: "VCARD")
        output.addVerbatim("VERSION", value: version.rawValue)
        output.add(
            "N", fields: [contact.lastName, contact.firstName, contact.middleName, contact.title, contact.suffix])
        output.add("FN", text: contact.resolvedDisplayName ?? "")
        if contact.company.isPresent || contact.department.isPresent {
            output.add(
                "ORG", fields: contact.department.isPresent ? [contact.company, contact.department] : [contact.company])
        }
        output.add("TITLE", text: contact.jobTitle)
        if let birthday = contact.birthday, !birthday.isEmpty {
            output.add("BDAY", text: Self.birthday(birthday, version: version))
        }
        let preferred = contact.phones.firstIndex(where: \.preferred)
        for (index, phone) in contact.phones.enumerated() where !phone.number.isEmpty {
            output.add(
                "TEL", parameters(phoneTypes(phone.type), preferred: index == preferred, version), text: phone.number)
        }
        for email in contact.emails where !email.address.isEmpty {
            let types = ["INTERNET", email.type == .business ? "WORK" : "HOME"]
            output.add(
                "EMAIL", parameters(version == .v40 ? Array(types.dropFirst()) : types, version), text: email.address)
        }
        for address in contact.addresses where !address.isEmpty {
            output.add(
                "ADR", parameters([address.type == .business ? "WORK" : "HOME"], version),
                fields: [nil, nil, address.street, address.city, address.region, address.postalCode, address.country])
        }
        output.add("NOTE", text: contact.notes)
        output.add("X-SWITCHBOARD-SHORTCODE", text: contact.shortCode)
        if let photo, !photo.isEmpty { output.addPhoto(photo) }
        output.addVerbatim("END", value: "VCARD")
        return output
    }

    private static func phoneTypes(_ type: PhoneType) -> [String] {
        switch type {
        case .business: ["WORK", "VOICE"]
        case .private: ["HOME", "VOICE"]
        case .mobile: ["CELL"]
        case .businessFax: ["WORK", "FAX"]
        case .privateFax: ["HOME", "FAX"]
        case .other: ["VOICE"]
        }
    }

    /// 2.1 `WORK;VOICE;PREF`, 3.0 `TYPE=WORK,VOICE,PREF`, 4.0 `TYPE=work,voice;PREF=1`.
    private static func parameters(_ types: [String], preferred: Bool = false, _ version: VCardVersion) -> [String] {
        switch version {
        case .v21: types + (preferred ? ["PREF"] : [])
        case .v30: ["TYPE=" + (types + (preferred ? ["PREF"] : [])).joined(separator: ",")]
        case .v40: ["TYPE=" + types.joined(separator: ",").lowercased()] + (preferred ? ["PREF=1"] : [])
        }
    }

    /// 2.1 `1980-04-23` / `--0423`, 3.0 `1980-04-23` / `--04-23`, 4.0 `19800423` / `--0423`;
    /// a birthday that is not a date is written as it is.
    private static func birthday(_ text: String, version: VCardVersion) -> String {
        guard let date = VCardFields.birthday(text) else { return text }
        switch (version, date.hasPrefix("--")) {
        case (.v21, true), (.v40, _): return date.prefix(2) + date.dropFirst(2).replacingOccurrences(of: "-", with: "")
        default: return date
        }
    }
}

extension Optional where Wrapped == String {
    fileprivate var isPresent: Bool { !(self ?? "").isEmpty }
}
