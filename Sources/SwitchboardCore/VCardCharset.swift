import Foundation

/// Turning the bytes of a vCard into text. Files are handled as bytes up to the last moment, because
/// folding and quoted-printable soft breaks may cut a multi-byte character in two.
enum VCardCharset {
    /// The file as UTF-8-or-legacy bytes: UTF-16 (with a BOM, or recognisable by its zero bytes) is
    /// transcoded to UTF-8, a UTF-8 BOM is dropped. `transcoded` tells that `CHARSET=` no longer
    /// describes the bytes.
    static func fileBytes(_ data: Data) -> (bytes: [UInt8], transcoded: Bool) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return (Array(bytes.dropFirst(3)), false) }
        let encoding: String.Encoding
        switch (bytes.first, bytes.dropFirst().first) {
        case (0xFF, 0xFE): encoding = .utf16LittleEndian
        case (0xFE, 0xFF): encoding = .utf16BigEndian
        case (.some(let first), 0x00) where first != 0: encoding = .utf16LittleEndian
        case (0x00, .some(let second)) where second != 0: encoding = .utf16BigEndian
        default:
            // No BOM and no zero bytes: UTF-8, Western (read value by value, as `CHARSET=` says or as
            // Windows-1252), or another legacy set written without a label, which the whole file is read in.
            guard !CSVEncoding.isValidUTF8(bytes), let set = legacySet(of: bytes),
                let utf8 = Charset.utf8(bytes, from: set.iconvName)
            else { return (bytes, false) }
            return (utf8, true)
        }
        let hasBOM = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        let body = Data(bytes.dropFirst(hasBOM ? 2 : 0).prefix(bytes.count & ~1))
        guard let text = String(data: body, encoding: encoding) else { return (bytes, false) }
        return (Array(text.utf8), true)
    }

    /// The set a file that is not UTF-8 is written in, when it is not a Western one (those are read value by value).
    private static func legacySet(of bytes: [UInt8]) -> CSVEncoding? {
        switch CSVEncoding.detect(bytes) {
        case .utf8, .utf16LE, .utf16BE, .windows1252, .isoLatin1, .isoLatin9, .macRoman: nil
        case let set: set
        }
    }

    /// Text in the named charset; no charset means UTF-8, and bytes that are not UTF-8 are read as
    /// Windows-1252 (what Outlook and old phones write without saying so). `known` is false for a
    /// charset this reader does not handle, in which case the default applies.
    static func decode(_ bytes: ArraySlice<UInt8>, charset: String?) -> (text: String, known: Bool) {
        guard let charset, !charset.uppercasedEquals("UTF-8") else { return (utf8OrWindows1252(bytes), true) }
        switch String(charset.uppercased().map { $0 == "_" ? "-" : $0 }) {
        case "UTF-8", "UTF8", "US-ASCII", "ASCII":
            return (utf8OrWindows1252(bytes), true)
        case "WINDOWS-1252", "CP1252", "ISO-8859-1", "ISO8859-1", "LATIN1", "LATIN-1":
            // Files labelled ISO-8859-1 are Windows-1252 in practice (the WHATWG reading).
            return (windows1252(bytes), true)
        case "ISO-8859-15", "ISO8859-15", "LATIN-9", "LATIN9":
            return (latin9(bytes), true)
        case "SHIFT-JIS", "SJIS", "CP932", "WINDOWS-31J", "MS-KANJI":
            return (text(bytes, set: "CP932"), true)
        case let name:
            // Any other set iconv knows (ISO-8859-2, KOI8-R, GB18030, BIG5, EUC-KR…).
            guard Charset.isKnown(name) else { return (utf8OrWindows1252(bytes), false) }
            return (text(bytes, set: name), true)
        }
    }

    private static func text(_ bytes: ArraySlice<UInt8>, set: String) -> String {
        guard let utf8 = Charset.utf8(bytes, from: set) else { return utf8OrWindows1252(bytes) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Foundation's `String(bytes:encoding: .utf8)` (which drops one leading byte order mark), else Windows-1252.
    static func utf8OrWindows1252(_ bytes: ArraySlice<UInt8>) -> String {
        let start = bytes.startIndex
        let hasBOM = bytes.count >= 3 && bytes[start] == 0xEF && bytes[start + 1] == 0xBB && bytes[start + 2] == 0xBF
        let body = hasBOM ? bytes.dropFirst(3) : bytes
        return body.withUnsafeBufferPointer(validUTF8) ?? windows1252(bytes)
    }

    /// The text, or `nil` when the bytes are not valid UTF-8. Decoding repairs invalid bytes with U+FFFD,
    /// so it is valid exactly when the result has the same bytes (and `String(validating:as:)` is not
    /// specialised: its generic code cost more than reading the text).
    private static func validUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var text = String(decoding: bytes, as: UTF8.self)
        let same = text.withUTF8 { decoded in
            decoded.count == bytes.count
                && (bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        return same ? text : nil
    }

    /// Windows-1252 by hand: Foundation refuses its five unassigned bytes, which are kept as C1 controls.
    static func windows1252(_ bytes: ArraySlice<UInt8>) -> String {
        String(
            String.UnicodeScalarView(
                bytes.map { byte in
                    (0x80...0x9F).contains(byte) ? windows1252High[Int(byte - 0x80)] : Unicode.Scalar(byte)
                }))
    }

    /// ISO-8859-15 is Latin-1 with eight code points replaced.
    static func latin9(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { latin9Changes[$0] ?? Unicode.Scalar($0) }))
    }

    private static let latin9Changes: [UInt8: Unicode.Scalar] = [
        0xA4: "€", 0xA6: "Š", 0xA8: "š", 0xB4: "Ž", 0xB8: "ž", 0xBC: "Œ", 0xBD: "œ", 0xBE: "Ÿ",
    ]

    private static let windows1252High: [Unicode.Scalar] = [
        "€", "\u{81}", "‚", "ƒ", "„", "…", "†", "‡", "ˆ", "‰", "Š", "‹", "Œ", "\u{8D}", "Ž", "\u{8F}",
        "\u{90}", "‘", "’", "“", "”", "•", "–", "—", "˜", "™", "š", "›", "œ", "\u{9D}", "ž", "Ÿ",
    ]
}
