import Foundation

/// The vCard dialects the writer produces; the reader accepts all three without being told.
public enum VCardVersion: String, CaseIterable, Sendable {
    case v21 = "2.1"
    case v30 = "3.0"
    case v40 = "4.0"
}

/// What came out of a vCard file: the cards that could be read, and what was wrong with the file.
public struct VCardImport: Sendable {
    public var cards: [VCardCard]
    /// Broken input, in file order. A problem never stops the import of the other cards.
    public var problems: [VCardProblem]

    public init(cards: [VCardCard] = [], problems: [VCardProblem] = []) {
        self.cards = cards
        self.problems = problems
    }
}

/// One card of the file, mapped to a contact.
public struct VCardCard: Sendable {
    public var contact: Contact
    /// The picture embedded in the card, as found (JPEG, PNG, …).
    public var photo: Data?
    /// 1-based line of the card's `BEGIN:VCARD` in the file.
    public var line: Int
    /// Information that had no field of its own, in the order met.
    public var notices: [VCardNotice]

    public init(contact: Contact, photo: Data? = nil, line: Int, notices: [VCardNotice] = []) {
        self.contact = contact
        self.photo = photo
        self.line = line
        self.notices = notices
    }
}

/// Something in the file that is not a well-formed vCard; `line` is 1-based, in physical lines.
public struct VCardProblem: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The card that begins at `line` ends without `END:VCARD` (a new `BEGIN` or the end of the file came first).
        case missingEnd
        /// Text outside any `BEGIN:VCARD` … `END:VCARD` (reported once per run of such lines).
        case outsideCard
        /// A line inside a card with no `:` between name and value; the line is skipped.
        case missingColon
        /// A parameter that cannot be read, as written; the property is still read without it.
        case malformedParameter(String)
        /// A photo whose base64 or `data:` URI cannot be decoded; the card is kept without photo.
        case malformedPhoto
        /// A card with nothing to name it (no name, company, e-mail or number); it is skipped.
        case nameMissing
    }

    public var line: Int
    public var kind: Kind

    public init(line: Int, kind: Kind) {
        self.line = line
        self.kind = kind
    }
}

/// Information from a card that `Contact` has no field for. Property names are as in the file, upper-cased.
public enum VCardNotice: Sendable, Equatable {
    /// Appended to the contact's notes as "PROPERTY: value" (a web address, a nickname, a third e-mail, …).
    case keptInNotes(property: String, value: String)
    /// Not kept: binary data (a sound, a key, a logo) or a duplicate of kept data (a formatted `LABEL`).
    case dropped(property: String)
    /// A `CHARSET` this reader does not know; the text was read as UTF-8, else Windows-1252.
    case unknownCharset(String)
}
