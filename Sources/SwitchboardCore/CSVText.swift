import Foundation

/// The character encodings CSV files come in. Exporters on Windows still write Windows-1252 (Outlook),
/// Google writes UTF-16 in its "Outlook CSV" flavour, spreadsheets add a BOM to UTF-8, and a Japanese,
/// Chinese, Korean, Russian or Polish Excel writes its system's legacy set.
public enum CSVEncoding: String, CaseIterable, Sendable, Codable {
    case utf8 = "utf-8"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case windows1252 = "windows-1252"
    case isoLatin1 = "iso-8859-1"
    case isoLatin9 = "iso-8859-15"
    case macRoman = "macintosh"
    case windows1250 = "windows-1250"
    case isoLatin2 = "iso-8859-2"
    case windows1251 = "windows-1251"
    case koi8R = "koi8-r"
    case koi8U = "koi8-u"
    case isoCyrillic = "iso-8859-5"
    case windows1253 = "windows-1253"
    case isoGreek = "iso-8859-7"
    case windows1254 = "windows-1254"
    case windows1255 = "windows-1255"
    case shiftJIS = "shift_jis"
    case eucJP = "euc-jp"
    case gb18030 = "gb18030"
    case big5 = "big5"
    case eucKR = "euc-kr"

    /// A BOM decides; UTF-16 without one shows by its zero bytes; valid UTF-8 is UTF-8; otherwise uchardet
    /// names the set (`Charset.detect`), and its answer is checked: on a few accented Western names it says
    /// Latin-2, a DOS or a Mac set now and then (6 in 300 generated French, German and Spanish files), so a
    /// Central European answer needs a letter only Central European sets have inside a word, a Cyrillic, Greek or
    /// Hebrew one a word of three letters outside ASCII, and an Asian one must read without a single error.
    /// Between the Western single-byte sets, bytes 0x80–0x9F are printable only in Windows-1252 (’ “ ” € …), and
    /// 0xA4 without them is far more often ISO-8859-15's € than Latin-1's ¤; the same test tells Windows-1250
    /// from ISO-8859-2.
    public static func detect(_ bytes: some Collection<UInt8>) -> CSVEncoding {
        let head = Array(bytes.prefix(3))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        if head.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if head.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        if head.count >= 2, head[0] != 0, head[1] == 0 { return .utf16LE }
        if head.count >= 2, head[0] == 0, head[1] != 0 { return .utf16BE }
        if isValidUTF8(bytes) { return .utf8 }
        var sample = Array(bytes.prefix(256 * 1024))
        // Cut after the last line break: a multi-byte character cut in two would read as an error (no set uses 0x0A
        // inside a character).
        if sample.count == 256 * 1024, let lastBreak = sample.lastIndex(of: 0x0A) {
            sample.removeSubrange((lastBreak + 1)...)
        }
        let hasC1 = sample.contains(where: { (0x80...0x9F).contains($0) })
        let western: CSVEncoding = hasC1 ? .windows1252 : sample.contains(0xA4) ? .isoLatin9 : .isoLatin1
        let detected: CSVEncoding? =
            switch Charset.detect(sample) {
            case "SHIFT_JIS", "CP932": .shiftJIS
            case "EUC-JP": .eucJP
            case "GB18030", "GB2312", "GBK": .gb18030
            case "BIG5", "CP950": .big5
            case "EUC-KR", "UHC", "CP949": .eucKR
            case "WINDOWS-1251": .windows1251
            case "ISO-8859-5": .isoCyrillic
            case "KOI8-R": .koi8R
            case "KOI8-U": .koi8U
            case "WINDOWS-1250", "ISO-8859-2": hasC1 ? .windows1250 : .isoLatin2
            case "WINDOWS-1253": .windows1253
            case "ISO-8859-7": .isoGreek
            case "WINDOWS-1254", "ISO-8859-9": .windows1254
            case "WINDOWS-1255", "ISO-8859-8": .windows1255
            default: nil
            }
        guard let detected, detected.isPlausible(for: sample) else { return western }
        return detected
    }

    /// Whether a set uchardet named reads `sample` as text in that set's script (see `detect`).
    func isPlausible(for sample: [UInt8]) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { byte >= 0xC0 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) }
        switch self {
        case .shiftJIS, .eucJP, .gb18030, .big5, .eucKR:
            guard let text = Charset.utf8(sample, from: iconvName) else { return false }
            return !text.indices.dropLast(2).contains {
                text[$0] == 0xEF && text[$0 + 1] == 0xBF && text[$0 + 2] == 0xBD
            }
        case .windows1250, .isoLatin2:
            // Ł Ľ Ś Š Ź Ž Ż ą ł ľ ś š ź ž (and Ť Ź ť in Windows-1250): symbols (£ ¥ ¦ ± ³ µ ¶ ¹ ¼ ¾) or bytes
            // Windows-1252 leaves unassigned. Not ¡ ¿ « » Œ œ Š š Ž ž Ÿ: Spanish and French write those next to letters.
            let letters: Set<UInt8> = [
                0xA3, 0xA5, 0xA6, 0xA9, 0xAC, 0xAE, 0xAF, 0xB1, 0xB3, 0xB5, 0xB6, 0xB9, 0xBC, 0xBE, 0x8D, 0x8F, 0x9D,
            ]
            return sample.indices.contains { index in
                letters.contains(sample[index])
                    && ((index > 0 && isLetter(sample[index - 1]))
                        || (index + 1 < sample.count && isLetter(sample[index + 1])))
            }
        case .windows1251, .isoCyrillic, .koi8R, .koi8U, .windows1253, .isoGreek, .windows1255:
            var run = 0
            for byte in sample {
                run = byte >= 0xC0 ? run + 1 : 0
                if run >= 3 { return true }
            }
            return false
        default:
            return true
        }
    }

    /// The set's usual name ("Shift_JIS", "Windows-1251") and the key of the script it writes, for a chooser.
    public var label: (name: String, scriptKey: String) {
        switch self {
        case .utf8: ("UTF-8", "csv.script.unicode")
        case .utf16LE: ("UTF-16 LE", "csv.script.unicode")
        case .utf16BE: ("UTF-16 BE", "csv.script.unicode")
        case .windows1252: ("Windows-1252", "csv.script.western")
        case .isoLatin1: ("ISO-8859-1", "csv.script.western")
        case .isoLatin9: ("ISO-8859-15", "csv.script.western")
        case .macRoman: ("Mac OS Roman", "csv.script.western")
        case .windows1250: ("Windows-1250", "csv.script.central_european")
        case .isoLatin2: ("ISO-8859-2", "csv.script.central_european")
        case .windows1251: ("Windows-1251", "csv.script.cyrillic")
        case .koi8R: ("KOI8-R", "csv.script.cyrillic")
        case .koi8U: ("KOI8-U", "csv.script.cyrillic")
        case .isoCyrillic: ("ISO-8859-5", "csv.script.cyrillic")
        case .windows1253: ("Windows-1253", "csv.script.greek")
        case .isoGreek: ("ISO-8859-7", "csv.script.greek")
        case .windows1254: ("Windows-1254", "csv.script.turkish")
        case .windows1255: ("Windows-1255", "csv.script.hebrew")
        case .shiftJIS: ("Shift_JIS", "csv.script.japanese")
        case .eucJP: ("EUC-JP", "csv.script.japanese")
        case .gb18030: ("GB18030 / GBK", "csv.script.chinese_simplified")
        case .big5: ("Big5", "csv.script.chinese_traditional")
        case .eucKR: ("EUC-KR", "csv.script.korean")
        }
    }

    /// The name glibc's iconv reads the set by: the Windows supersets that Windows programs really write
    /// (CP932 keeps 0x5C a backslash where strict Shift_JIS makes it a yen sign, CP949 and CP950 add the
    /// characters Korean and Taiwanese Windows use).
    var iconvName: String {
        switch self {
        case .shiftJIS: "CP932"
        case .eucKR: "CP949"
        case .big5: "CP950"
        case .macRoman: "MACINTOSH"
        default: rawValue.uppercased()
        }
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
    /// `data` as UTF-8: for a UTF-8 file the same bytes (without the BOM), not a copy of them.
    public func utf8Data(of data: Data) -> Data {
        guard self == .utf8 else { return Data(utf8Bytes(of: data)) }
        return data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
    }

    public func utf8Bytes(of data: Data) -> [UInt8] {
        switch self {
        case .macRoman, .windows1250, .isoLatin2, .windows1251, .isoCyrillic, .koi8R, .koi8U, .windows1253, .isoGreek,
            .windows1254, .windows1255, .shiftJIS, .eucJP, .gb18030, .big5, .eucKR:
            // Every set glibc ships; a Debian system without its gconv modules reads the bytes as Windows-1252.
            return Charset.utf8(data, from: iconvName) ?? CSVEncoding.windows1252.utf8Bytes(of: data)
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
    public static func detect(_ utf8: some Collection<UInt8>) -> CSVDelimiter {
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
