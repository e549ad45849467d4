import Foundation

/// Reading single vCard fields into the shapes `Contact` stores.
enum VCardFields {
    /// TEL types to a phone type. A fax is private only when marked home and not work; a mobile
    /// stays mobile whatever else it is marked; plain `VOICE` or no type at all is `.other`.
    static func phoneType(_ types: VCardTypes) -> PhoneType {
        let work = !types.isDisjoint(with: [.work, .main])
        let home = types.contains(.home)
        if types.contains(.fax) { return home && !work ? .privateFax : .businessFax }
        if !types.isDisjoint(with: [.cell, .mobile, .iphone]) { return .mobile }
        if home { return .private }
        if work { return .business }
        return .other
    }

    /// EMAIL types: only `WORK` makes a business address; `HOME`, `INTERNET`, `OTHER` or none is private.
    static func emailType(_ types: VCardTypes) -> EmailType { types.contains(.work) ? .business : .private }

    /// ADR types: `WORK` is business; `HOME`, `DOM`, `INTL`, `POSTAL` or none is private.
    static func addressType(_ types: VCardTypes) -> AddressType { types.contains(.work) ? .business : .private }

    /// The types an Apple `X-ABLabel` stands for: its built-in labels (`_$!<HomeFAX>!$_`) and the
    /// same words typed by hand, in a few languages; an unknown label adds nothing.
    static func labelTypes(_ label: String) -> VCardTypes {
        let word = label.replacingOccurrences(of: "_$!<", with: "").replacingOccurrences(of: ">!$_", with: "")
            .trimmingCharacters(in: .whitespaces).lowercased()
        switch word {
        case "work", "main", "büro", "bureau", "travail", "arbeit", "geschäftlich", "business": return .work
        case "home", "privat", "privé", "domicile", "zuhause", "personal", "private": return .home
        case "mobile", "iphone", "cell", "mobil", "handy", "portable": return .cell
        case "homefax", "home fax": return [.home, .fax]
        case "workfax", "work fax": return [.work, .fax]
        case "otherfax", "other fax", "fax": return .fax
        default: return []
        }
    }

    /// A `tel:` URI as people read it: "tel:+33-1-23-45-67-89;ext=123" is "+33 1 23 45 67 89 ext. 123".
    /// Visual separators become spaces; parameters other than `ext` (`isub`, `phone-context`) are dropped.
    static func telephoneNumber(fromURI uri: String) -> String {
        var parts = uri.dropFirst(4).split(separator: ";").map(String.init)
        let number = (parts.isEmpty ? "" : parts.removeFirst()).removingPercentEncoding ?? ""
        let spaced = number.map { "-.".contains($0) ? " " : String($0) }.joined()
        let readable = spaced.split(separator: " ").joined(separator: " ")
        let ext = parts.first { $0.lowercased().hasPrefix("ext=") }.map { String($0.dropFirst(4)) }
        return ext.map { "\(readable) ext. \($0)" } ?? readable
    }

    /// "YYYY-MM-DD" or "--MM-DD" from the forms exporters write: `1980-04-23`, `19800423`,
    /// `1980-04-23T00:00:00Z`, `--0423`, `--04-23`, and Apple's `1604-04-23` with
    /// `X-APPLE-OMIT-YEAR=1604` for an unknown year. `nil` when it is not a calendar date.
    static func birthday(_ text: String, omittedYear: String? = nil) -> String? {
        let date = text.trimmingCharacters(in: .whitespaces).prefix { $0 != "T" }
        let shape = date.map { $0.isASCII && $0.isNumber ? "9" : String($0) }.joined()
        guard ["--9999", "--99-99", "99999999", "9999-99-99"].contains(shape) else { return nil }
        let digits = date.filter(\.isNumber)
        let year = digits.count == 8 ? String(digits.prefix(4)) : nil
        let month = Int(digits.dropLast(2).suffix(2)) ?? 0
        let day = Int(digits.suffix(2)) ?? 0
        let daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...daysInMonth[month - 1]).contains(day) else { return nil }
        let monthDay = String(format: "%02d-%02d", month, day)
        guard let year, year != omittedYear else { return "--" + monthDay }
        return year + "-" + monthDay
    }

    /// The bytes of a `data:` URI (`data:image/jpeg;base64,…`); `nil` when it cannot be decoded.
    static func dataURI(_ text: String) -> Data? {
        guard let comma = text.firstIndex(of: ",") else { return nil }
        let header = text[..<comma].lowercased()
        let payload = text[text.index(after: comma)...]
        if header.hasSuffix(";base64") { return VCardValue.base64Decoded(payload.utf8) }
        return String(payload).removingPercentEncoding.map { Data($0.utf8) }
    }
}

/// The `TYPE` values the mapping looks at (`TEL;TYPE=work,voice` has `.work`; `voice` means nothing
/// more than a number). Types are compared without case.
struct VCardTypes: OptionSet {
    let rawValue: UInt8

    static let work = VCardTypes(rawValue: 1 << 0)
    static let main = VCardTypes(rawValue: 1 << 1)
    static let home = VCardTypes(rawValue: 1 << 2)
    static let fax = VCardTypes(rawValue: 1 << 3)
    static let cell = VCardTypes(rawValue: 1 << 4)
    static let mobile = VCardTypes(rawValue: 1 << 5)
    static let iphone = VCardTypes(rawValue: 1 << 6)
    static let pref = VCardTypes(rawValue: 1 << 7)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    private static let words: [(StaticString, VCardTypes)] = [
        ("WORK", .work), ("MAIN", .main), ("HOME", .home), ("FAX", .fax), ("CELL", .cell), ("MOBILE", .mobile),
        ("IPHONE", .iphone), ("PREF", .pref),
    ]

    /// The type one `TYPE` value names, if it is one of these (`[]` otherwise).
    init(word: String) {
        var word = word
        let type = word.withUTF8 { bytes in
            if bytes.allSatisfy({ $0 < 0x80 }) {
                return Self.words.first { VCardText.equalsIgnoringASCIICase(bytes, $0.0) }?.1 ?? []
            }
            // Other text may lower-case to one of the words (the Kelvin sign "K" is "k").
            let lower = String(decoding: bytes, as: UTF8.self).lowercased()
            return Self.words.first { $0.0.description.lowercased() == lower }?.1 ?? []
        }
        self = type
    }
}
