import Foundation

/// What a contact's QR code holds: its vCard 3.0, the version phone cameras import best, without photo
/// (a QR code holds at most about 2 KB) and without the speed-dial code (it means nothing on a phone).
public enum ContactQRCode {
    /// The vCards to try, richest first, each smaller than the one before: the first one that fits
    /// in a QR code is used. Notes go first, then postal addresses, then whatever is not a name,
    /// a number or an e-mail address.
    public static func vCards(for contact: Contact) -> [String] {
        var trimmed = contact
        trimmed.shortCode = nil
        var texts = [VCardWriter.write(trimmed, version: .v30)]
        trimmed.notes = nil
        texts.append(VCardWriter.write(trimmed, version: .v30))
        trimmed.addresses = []
        texts.append(VCardWriter.write(trimmed, version: .v30))
        trimmed.birthday = nil
        trimmed.department = nil
        trimmed.jobTitle = nil
        trimmed.title = nil
        trimmed.emails = Array(trimmed.emails.prefix(1))
        trimmed.phones = Array(trimmed.phones.prefix(3))
        texts.append(VCardWriter.write(trimmed, version: .v30))
        var distinct: [String] = []
        for text in texts where distinct.last != text { distinct.append(text) }
        return distinct
    }
}
