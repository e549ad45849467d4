import Foundation

/// Reading a file's columns from what they hold, for files whose first line is already a contact (a PBX directory
/// source, a spreadsheet saved without its header row) — and, in files with a header, for columns no template knows.
/// A column of e-mail addresses is e-mail, of dialable numbers is a phone, of postcodes a postcode; the first column
/// of words is the name, the next one the company. The user sees the result in the preview and can change it.
public enum CSVColumnInference {
    /// What the cells of one column look like.
    enum Kind: Equatable {
        case email, number, postcode, text, empty
    }

    /// Whether `cells`, the first line of a file, is a contact rather than a header: no template knows it, and one of
    /// its cells holds what no header holds — an e-mail address, a number or a postcode.
    public static func isDataRow(_ cells: [String]) -> Bool {
        guard CSVTemplate.suggest(for: cells) == nil else { return false }
        return cells.contains { [.email, .number, .postcode].contains(kind(of: $0)) }
    }

    /// Names for the columns of a file without a header row: "1", "2"… (the preview shows them as column numbers).
    public static func header(columns: Int) -> [String] { (1...max(columns, 1)).map(String.init) }

    /// A field for each column, from sample rows: e-mails, numbers and postcodes by their values, the first column of
    /// words as the display name, the next one as the company; the rest ignored.
    public static func fields(columns: Int, samples: [[String]]) -> [CSVField] {
        var textColumns = 0
        var phones = 0
        var emails = 0
        return (0..<columns).map { index in
            let values = samples.compactMap { index < $0.count ? $0[index] : nil }
            switch dominantKind(values) {
            case .email:
                emails += 1
                return .email(emails == 1 ? .business : .private)
            case .number:
                phones += 1
                return .phone(phones == 1 ? .business : phones == 2 ? .mobile : .private)
            case .postcode: return .address(.business, .postalCode)
            case .text:
                textColumns += 1
                return textColumns == 1 ? .displayName : textColumns == 2 ? .company : .ignore
            case .empty: return .ignore
            }
        }
    }

    /// The kind most non-empty values have, when at least two thirds of them agree; `.text` otherwise.
    static func dominantKind(_ values: [String]) -> Kind {
        let kinds = values.map(kind(of:)).filter { $0 != .empty }
        guard !kinds.isEmpty else { return .empty }
        for candidate in [Kind.email, .number, .postcode]
        where kinds.filter({ $0 == candidate }).count * 3 >= kinds.count * 2 {
            return candidate
        }
        return .text
    }

    static func kind(of cell: String) -> Kind {
        let value = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return .empty }
        if value.contains("@") {
            return CSVMapping.emails(value).allSatisfy(ProfileRules.isPlausibleEmail) ? .email : .text
        }
        let digits = value.filter(\.isASCIIDigit).count
        // Five digits alone are a postcode (France, Germany, Italy, Spain, the US); fewer are an extension.
        if value.count == 5, digits == 5 { return .postcode }
        if digits >= 2, CSVMapping.numbers(value).allSatisfy({ PhoneNumber.normalized($0) != nil }) { return .number }
        return .text
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
