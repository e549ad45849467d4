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

    /// Whether `cells`, the first line of a file, is a contact rather than a header: no template knows it, its words
    /// name fewer than two fields (`CSVHeaderWords`), and one of its cells holds what no header holds — an e-mail
    /// address, a number or a postcode.
    public static func isDataRow(_ cells: [String]) -> Bool {
        guard CSVTemplate.suggest(for: cells) == nil else { return false }
        guard namedFields(cells) < 2 else { return false }
        return cells.contains { [.email, .number, .postcode].contains(kind(of: $0)) }
    }

    /// How many cells of `cells` name a field by their words and look like a header: no digit, no "@" (a street "12 rue
    /// de la Paix" or an address at "free.fr" is a value, not a header).
    static func namedFields(_ cells: [String]) -> Int {
        cells.filter { cell in
            !cell.contains("@") && !cell.contains(where: \.isNumber)
                && (CSVHeaderWords.field(for: cell) ?? .ignore) != .ignore
        }.count
    }

    /// How many lines of notes come before the header row: lines of at most one cell followed, within ten lines, by
    /// a line a template or the header words know (LinkedIn's "Notes:" and its paragraph). 0 when there are none, or
    /// when the file is one column throughout.
    public static func preambleLines(_ reader: CSVReader) -> Int {
        var lines: [[String]] = []
        var reader = reader
        while lines.count < 11, let row = reader.next() { lines.append(row.cells) }
        func isNote(_ cells: [String]) -> Bool { cells.filter { !$0.isEmpty }.count <= 1 }
        guard let first = lines.first, isNote(first) else { return 0 }
        for index in lines.indices.dropFirst() where !isNote(lines[index]) {
            let cells = lines[index]
            let known = CSVTemplate.suggest(for: cells) != nil || namedFields(cells) >= 2
            return known ? index : 0
        }
        return 0
    }

    /// Names for the columns of a file without a header row: "1", "2"… (the preview shows them as column numbers).
    public static func header(columns: Int) -> [String] { (1...max(columns, 1)).map(String.init) }

    /// A field for each column of a file no template knows: what its header's words say (`CSVHeaderWords`), else what
    /// its sample values are — e-mails, numbers and postcodes by their look, the first column of words as the display
    /// name and the next one as the company when no header named them; the rest ignored. `header` is `nil` for a file
    /// without a header row.
    public static func fields(header: [String]?, columns: Int, samples: [[String]]) -> [CSVField] {
        let values = (0..<columns).map { index in samples.compactMap { index < $0.count ? $0[index] : nil } }
        let named: [CSVField?] = (0..<columns).map { index in
            guard let header, index < header.count else { return nil }
            return CSVHeaderWords.field(for: header[index], samples: values[index])
        }
        let known = named.compactMap { $0 }
        var textColumns = known.contains { [.displayName, .firstName, .lastName].contains($0) } ? 1 : 0
        if known.contains(.company) { textColumns = max(textColumns, 2) }
        var phones = known.filter { if case .phone = $0 { true } else { false } }.count
        var emails = known.filter { if case .email = $0 { true } else { false } }.count
        return (0..<columns).map { index in
            if let field = named[index] { return field }
            switch dominantKind(values[index]) {
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
        // "1.234.567,89", "12 500,00": an amount with its cents.
        if value.utf8.count > 3, value.utf8.dropLast(2).last == UInt8(ascii: ","), !value.contains("+") { return .text }
        if digits >= 2, CSVMapping.numbers(value).allSatisfy({ PhoneNumber.dialable($0) != nil }) { return .number }
        return .text
    }
}
