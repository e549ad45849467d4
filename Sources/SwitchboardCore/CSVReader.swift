import Foundation

/// One record of a CSV file, with the line it starts on (1-based, counting the header).
public struct CSVRow: Equatable, Sendable {
    public let line: Int
    public var cells: [String]

    public init(line: Int, cells: [String]) {
        self.line = line
        self.cells = cells
    }
}

/// An RFC 4180 reader over UTF-8 bytes, one row at a time: quoted cells with doubled quotes, line breaks inside
/// quotes, CR LF / LF / CR endings; blank lines are skipped. Rows are produced as they are asked for, so an
/// import of 100 000 rows holds the file once and one batch of rows, never every row. The bytes are a `Data`, so a
/// UTF-8 file is read where it lies (the upload's buffer, or the pages of a mapped file), never copied.
///
/// Why not the mirror's CSV packages (yaslab/CSV.swift 2.5.2, SwiftCSV 0.10.0): SwiftCSV parses the whole
/// string up front (no streaming), and CSV.swift streams but decodes only UTF-8/16/32 itself, so Windows-1252
/// and ISO-8859 files would have to be transcoded before it anyway; the reader below is ~80 lines, has no
/// dependency (SwitchboardCore stays Foundation-only) and keeps each row's line number for the report.
public struct CSVReader: Sequence, IteratorProtocol {
    /// No address book has this many columns; a file with more is refused before it is mapped and shown.
    public static let maximumColumns = 500

    private let bytes: Data
    private let delimiter: UInt8
    /// The offset of the next record from the start of `bytes`.
    private var index = 0
    private var line = 1

    public init(utf8 bytes: Data, delimiter: CSVDelimiter) {
        self.bytes = bytes
        self.delimiter = delimiter.byte
    }

    public init(utf8 bytes: [UInt8], delimiter: CSVDelimiter) {
        self.init(utf8: Data(bytes), delimiter: delimiter)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    public mutating func next() -> CSVRow? {
        while index < bytes.count {
            let start = line
            let cells = readRecord()
            if cells.count == 1, cells[0].isEmpty { continue }
            return CSVRow(line: start, cells: cells)
        }
        return nil
    }

    /// Reads up to and including the record's line ending.
    private mutating func readRecord() -> [String] {
        var cells: [String] = []
        bytes.withUnsafeBytes { raw in
            let buffer = raw.bindMemory(to: UInt8.self)
            var cell: [UInt8] = []
            var i = index
            let end = buffer.count
            while true {
                if i < end, buffer[i] == Self.quote {
                    // Quoted cell: up to the closing quote; "" is a quote; anything after it up to the delimiter is kept.
                    cell.removeAll(keepingCapacity: true)
                    i += 1
                    while i < end {
                        let byte = buffer[i]
                        if byte == Self.quote {
                            if i + 1 < end, buffer[i + 1] == Self.quote {
                                cell.append(Self.quote)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        if byte == Self.lf || (byte == Self.cr && (i + 1 >= end || buffer[i + 1] != Self.lf)) {
                            line += 1
                        }
                        cell.append(byte)
                        i += 1
                    }
                    while i < end, buffer[i] != delimiter, buffer[i] != Self.lf, buffer[i] != Self.cr {
                        cell.append(buffer[i])
                        i += 1
                    }
                    cells.append(String(decoding: cell, as: UTF8.self))
                } else {
                    let start = i
                    while i < end, buffer[i] != delimiter, buffer[i] != Self.lf, buffer[i] != Self.cr { i += 1 }
                    cells.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<i]), as: UTF8.self))
                }
                if i < end, buffer[i] == delimiter {
                    i += 1
                    continue
                }
                // End of record: CR LF, LF, CR or the end of the file.
                if i < end, buffer[i] == Self.cr { i += 1 }
                if i < end, buffer[i] == Self.lf { i += 1 }
                line += 1
                break
            }
            index = i
        }
        return cells
    }
}

/// Writes CSV records: a cell is quoted when it holds the delimiter, a quote or a line break.
public enum CSVWriter {
    public static func record(_ cells: [String], delimiter: CSVDelimiter) -> String {
        var out: [UInt8] = []
        append(cells, delimiter: delimiter, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the record of `cells` (with its CR LF) as UTF-8, byte by byte: an export writes millions of cells.
    public static func append(_ cells: [String], delimiter: CSVDelimiter, to out: inout [UInt8]) {
        let separator = delimiter.byte
        for (position, cell) in cells.enumerated() {
            if position > 0 { out.append(separator) }
            append(cell, delimiter: separator, to: &out)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// One cell, quoted (quotes doubled) when it holds the delimiter, a quote, a CR or a LF.
    public static func append(_ cell: String, delimiter: UInt8, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        let needsQuotes = cell.utf8.contains { $0 == quote || $0 == 0x0A || $0 == 0x0D || $0 == delimiter }
        guard needsQuotes else {
            out.append(contentsOf: cell.utf8)
            return
        }
        out.append(quote)
        for byte in cell.utf8 {
            out.append(byte)
            if byte == quote { out.append(quote) }
        }
        out.append(quote)
    }

    /// A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a CR) gets a
    /// leading `'`, which spreadsheets show as text. Plain phone numbers are left alone: a `+`, then only
    /// digits, spaces and `( )`, with at least six digits (`+33 1 23 45 67 89`) — no letter and no operator
    /// other than the leading sign, so nothing a spreadsheet could compute, call or reference (`+33-1-23-45`
    /// would be computed: `-`, `/` and `.` make it a formula). A cell that already starts with `'` before such
    /// a character gets one more, so that `denormalised` is exact.
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first else { return cell }
        if Self.formulaStarts.contains(first) {
            return isPlainPhoneNumber(cell) ? cell : "'" + cell
        }
        if first == "'", let second = cell.unicodeScalars.dropFirst().first, Self.formulaStarts.contains(second) {
            return "'" + cell
        }
        return cell
    }

    /// Undoes `neutralised` (Switchboard's own format only).
    public static func denormalised(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first,
            Self.formulaStarts.contains(second) || second == "'"
        else { return cell }
        return String(cell.dropFirst())
    }

    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    public static func isPlainPhoneNumber(_ cell: String) -> Bool {
        guard cell.hasPrefix("+") else { return false }
        var digits = 0
        for scalar in cell.unicodeScalars.dropFirst() {
            switch scalar {
            case "0"..."9": digits += 1
            case " ", "(", ")": continue
            default: return false
            }
        }
        return digits >= 6
    }
}
