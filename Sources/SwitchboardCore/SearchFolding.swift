import Foundation

/// How names compare for search, sorting and the A…Z tabs: without case or accents, so that
/// "Émile" is found by "emi", sorts with E and sits under the E tab.
public enum SearchFolding {
    /// Lower-case, accents removed, ligatures and ß spelled out ("Œuvre Straße" → "oeuvre strasse").
    public static func fold(_ text: String) -> String {
        var folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        for (ligature, spelled) in Self.spelled where folded.contains(ligature) {
            folded = folded.replacingOccurrences(of: ligature, with: spelled)
        }
        return folded
    }

    private static let spelled: [(String, String)] = [
        ("ß", "ss"), ("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("ð", "d"), ("þ", "th"),
        ("ı", "i"),
    ]

    /// The tab a display name belongs to: "A" … "Z", or "#" for anything else (digits, other scripts).
    public static func initial(of displayName: String) -> String {
        guard let first = fold(displayName.trimmingCharacters(in: .whitespacesAndNewlines)).first,
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

    /// Only the digits of a number, for substring search on numbers ("01 23" finds "+33 1 23…" by "123").
    public static func digits(_ number: String) -> String {
        number.filter { $0.isASCII && $0.isNumber }
    }
}
