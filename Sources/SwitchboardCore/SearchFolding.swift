import Foundation

/// How names compare for search, sorting and the A…Z tabs: without case or accents, so that
/// "Émile" is found by "emi", sorts with E and sits under the E tab.
public enum SearchFolding {
    /// Lower-case, accents removed, ligatures and ß spelled out ("Œuvre Straße" → "oeuvre strasse").
    /// ASCII text (most names, e-mails and cities) is only lower-cased, without Foundation: its folding would give
    /// the same and costs far more on Linux (CFString); ligatures are looked for only when the text holds one.
    /// Latin text (ASCII and U+00A0–U+024F: French, German, Spanish, Polish… names) is folded a scalar at a time
    /// from a table Foundation filled once — the same result, tested on every scalar of the range and on random text.
    public static func fold(_ text: String) -> String {
        if let ascii = asciiLowercased(text) { return ascii }
        if let latin = latinFolded(text) { return latin }
        return foundationFolded(text)
    }

    /// Foundation's folding, with the ligatures and letters it keeps spelled out.
    static func foundationFolded(_ text: String) -> String {
        var folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        guard folded.unicodeScalars.contains(where: { Self.ligatureScalars.contains($0) }) else { return folded }
        for (ligature, spelled) in Self.spelled where folded.contains(ligature) {
            folded = folded.replacingOccurrences(of: ligature, with: spelled)
        }
        return folded
    }

    /// `text` folded through `latinTable` when it holds only ASCII and U+00A0–U+024F; `nil` otherwise.
    static func latinFolded(_ text: String) -> String? {
        var folded = ""
        folded.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: folded.unicodeScalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0..<0x80: folded.unicodeScalars.append(scalar)
            case latinRange: folded.append(latinTable[Int(scalar.value - latinRange.lowerBound)])
            default: return nil
            }
        }
        return folded
    }

    static let latinRange: ClosedRange<UInt32> = 0xA0...0x24F

    /// Each scalar of `latinRange` folded by Foundation.
    private static let latinTable: [String] = latinRange.map { foundationFolded(String(Unicode.Scalar($0)!)) }

    /// `text` lower-cased when it is ASCII only; `nil` otherwise.
    static func asciiLowercased(_ text: String) -> String? {
        var needsLowering = false
        for byte in text.utf8 {
            if byte >= 0x80 { return nil }
            if byte >= 0x41 && byte <= 0x5A { needsLowering = true }
        }
        guard needsLowering else { return text }
        return String(
            decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    private static let ligatureScalars: Set<Unicode.Scalar> = Set(spelled.map { $0.0.unicodeScalars.first! })

    private static let spelled: [(String, String)] = [
        ("ß", "ss"), ("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("ð", "d"), ("þ", "th"),
        ("ı", "i"),
    ]

    /// The tab a display name belongs to: "A" … "Z", or "#" for anything else (digits, other scripts).
    public static func initial(of displayName: String) -> String {
        initial(ofFolded: fold(displayName.trimmed))
    }

    /// `initial(of:)` of a display name whose folding is known already.
    public static func initial(of displayName: String, folded: String) -> String {
        let trimmed = displayName.trimmed
        return initial(ofFolded: trimmed == displayName ? folded : fold(trimmed))
    }

    private static func initial(ofFolded folded: String) -> String {
        guard let first = folded.first,
            let scalar = first.unicodeScalars.first, first.unicodeScalars.count == 1,
            ("a"..."z").contains(scalar)
        else { return "#" }
        return String(first).uppercased()
    }

    /// The tabs in display order.
    public static let tabs: [String] =
        (UnicodeScalar("A").value...UnicodeScalar("Z").value).map {
            String(UnicodeScalar($0)!)
        } + ["#"]

    /// The words of a folded text: its longest runs of letters and digits, each once, in order
    /// ("jean-pierre d'arc" → jean, pierre, d, arc). A filter made only of letters and digits
    /// (`isWordPart`) can only match inside one word, so looking it up among the words of every
    /// name finds every name that holds it.
    public static func words(ofFolded text: String) -> [String] {
        var words: [String] = []
        var seen = Set<String>()
        var current = String.UnicodeScalarView()
        func flush() {
            guard !current.isEmpty else { return }
            let word = String(current)
            if seen.insert(word).inserted { words.append(word) }
            current.removeAll()
        }
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) { current.append(scalar) } else { flush() }
        }
        flush()
        return words
    }

    /// `text` holds only letters and digits, so it never spans two words.
    public static func isWordPart(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(isWordScalar)
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// Only the digits of a number, for substring search on numbers ("01 23" finds "+33 1 23…" by "123").
    public static func digits(_ number: String) -> String {
        if number.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: number.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
        }
        return number.filter { $0.isASCII && $0.isNumber }
    }
}
