import Foundation

/// The character encodings CSV files come in. Exporters on Windows still write Windows-1252 (Outlook),
/// Google writes UTF-16 in its "Outlook CSV" flavour, spreadsheets add a BOM to UTF-8.
public enum CSVEncoding: String, CaseIterable, Sendable, Codable {
    case utf8 = "utf-8"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case windows1252 = "windows-1252"
    case isoLatin1 = "iso-8859-1"
    case isoLatin9 = "iso-8859-15"

    /// A BOM decides; valid UTF-8 is UTF-8; otherwise a single-byte set: bytes 0x80–0x9F are printable only in
    /// Windows-1252 (’ “ ” € …), and 0xA4 without them is far more often ISO-8859-15's € than Latin-1's ¤.
    public static func detect(_ bytes: some Collection<UInt8>) -> CSVEncoding {
        let head = Array(bytes.prefix(3))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        if head.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if head.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        if isValidUTF8(bytes) { return .utf8 }
        if bytes.contains(where: { (0x80...0x9F).contains($0) }) { return .windows1252 }
        return bytes.contains(0xA4) ? .isoLatin9 : .isoLatin1
    }

    static func isValidUTF8(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// The text as UTF-8 bytes without BOM: the file itself when it is UTF-8 (no copy is made beyond the
    /// array), one transcoded copy otherwise. Bytes that do not decode become U+FFFD.
    public func utf8Bytes(of data: Data) -> [UInt8] {
        switch self {
        case .utf8:
            let skip = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            return Array(data.dropFirst(skip))
        case .utf16LE, .utf16BE:
            let skip = data.starts(with: self == .utf16LE ? [0xFF, 0xFE] : [0xFE, 0xFF]) ? 2 : 0
            var units: [UInt16] = []
            units.reserveCapacity(data.count / 2)
            var index = data.startIndex + skip
            while index + 1 < data.endIndex {
                let (a, b) = (UInt16(data[index]), UInt16(data[index + 1]))
                units.append(self == .utf16LE ? a | b << 8 : a << 8 | b)
                index += 2
            }
            var out: [UInt8] = []
            out.reserveCapacity(units.count * 2)
            _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: false) {
                out.append($0)
            }
            return out
        case .windows1252, .isoLatin1, .isoLatin9:
            var out: [UInt8] = []
            out.reserveCapacity(data.count + data.count / 8)
            for byte in data {
                if byte < 0x80 {
                    out.append(byte)
                    continue
                }
                let scalar = singleByteScalar(byte)
                out.append(contentsOf: String(Character(scalar)).utf8)
            }
            return out
        }
    }

    private func singleByteScalar(_ byte: UInt8) -> Unicode.Scalar {
        switch self {
        case .windows1252:
            if (0x80...0x9F).contains(byte), let mapped = Self.cp1252High[Int(byte - 0x80)] { return mapped }
        case .isoLatin9:
            if let mapped = Self.latin9[byte] { return mapped }
        default: break
        }
        return Unicode.Scalar(byte)
    }

    private static let cp1252High: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]

    private static let latin9: [UInt8: Unicode.Scalar] = [
        0xA4: "\u{20AC}", 0xA6: "\u{0160}", 0xA8: "\u{0161}", 0xB4: "\u{017D}", 0xB8: "\u{017E}",
        0xBC: "\u{0152}", 0xBD: "\u{0153}", 0xBE: "\u{0178}",
    ]
}

/// The delimiters people's CSV files use.
public enum CSVDelimiter: String, CaseIterable, Sendable, Codable {
    case comma = ","
    case semicolon = ";"
    case tab = "\t"
    case pipe = "|"

    public var byte: UInt8 { rawValue.utf8.first! }

    /// The candidate found most often in the header line outside quotes (`,` when none is).
    public static func detect(_ utf8: [UInt8]) -> CSVDelimiter {
        var counts: [UInt8: Int] = [:]
        var quoted = false
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            counts[byte, default: 0] += 1
        }
        return allCases.max { counts[$0.byte, default: 0] < counts[$1.byte, default: 0] }
            .flatMap { counts[$0.byte, default: 0] > 0 ? $0 : nil } ?? .comma
    }

    /// A name that survives a form field and a command line: `,` `;` `tab` `|`.
    public init?(name: String) {
        switch name {
        case "tab", "\\t", "\t": self = .tab
        default: self.init(rawValue: name)
        }
    }

    public var name: String { self == .tab ? "tab" : rawValue }
}
