import Foundation

/// Decoding of property values: transfer encodings first (on bytes), then the charset, then escapes.
enum VCardValue {
    /// The bytes behind a quoted-printable value; a `=` not followed by two hex digits is kept as written.
    static func quotedPrintableDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x3D, index + 2 < bytes.endIndex,
                let high = hexDigit(bytes[index + 1]), let low = hexDigit(bytes[index + 2])
            {
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    /// Base64 with whitespace ignored and missing padding tolerated; `nil` when it is not base64.
    static func base64Decoded(_ bytes: some Sequence<UInt8>) -> Data? {
        var body = bytes.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
        switch body.count % 4 {
        case 1: return nil
        case 2: body += Array("==".utf8)
        case 3: body += Array("=".utf8)
        default: break
        }
        guard let data = Data(base64Encoded: Data(body)), !data.isEmpty else { return nil }
        return data
    }

    /// `\n`, `\N`, `\,`, `\;`, `\:` and `\\` resolved; any other backslash is kept (a 2.1 file may hold
    /// "C:\Users" unescaped).
    static func unescaped(_ text: String) -> String {
        guard VCardText.contains(text, backslash) else { return text }
        guard isPlain(text, semicolons: false) else { return characterUnescaped(text) }
        var text = text
        return text.withUTF8 { unescaped($0, 0..<$0.count) }
    }

    /// The fields of a structured value (N, ADR, ORG), split on unescaped `;`, unescaped and trimmed.
    static func trimmedComponents(_ text: String) -> [String] {
        guard isPlain(text, semicolons: true) else { return characterComponents(text).map(\.trimmed) }
        var text = text
        return text.withUTF8 { bytes in
            var parts: [String] = []
            parts.reserveCapacity(bytes.count(where: { $0 == semicolon }) + 1)
            func add(_ range: Range<Int>) { parts.append(unescaped(bytes, range).trimmed) }
            var start = 0
            var index = 0
            while index < bytes.count {
                switch bytes[index] {
                case backslash: index += 2
                case semicolon:
                    add(start..<index)
                    index += 1
                    start = index
                default: index += 1
                }
            }
            add(start..<bytes.count)
            return parts
        }
    }

    private static let backslash: UInt8 = 0x5C
    private static let semicolon: UInt8 = 0x3B

    /// Whether reading bytes gives what reading `Character`s gives: every backslash, every semicolon
    /// if asked, and an escaped `n`, `,`, `;`, `:` or `\\` after a backslash, is a `Character` of its
    /// own. Almost always true; not for a backslash followed by a combining mark (`\` + U+0301 is one
    /// `Character`), or after a prepended mark (U+0600 + `;` is one), where the caller reads `Character`s.
    private static func isPlain(_ text: String, semicolons: Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            /// Whether a `Character` starts at `offset`. Two ASCII bytes other than CR LF always break, and
            /// so do ASCII and a scalar below U+0300 (Latin letters: no mark joins before them or after).
            func isBoundary(_ offset: Int) -> Bool {
                if offset == 0 || offset == bytes.count { return true }
                let before = bytes[offset - 1]
                let after = bytes[offset]
                if before < 0x80, after < 0x80, before != 0x0D || after != 0x0A { return true }
                if before < 0x80, (0xC2...0xCB).contains(after) { return true }
                if after < 0x80, before & 0xC0 == 0x80, offset >= 2, (0xC2...0xCB).contains(bytes[offset - 2]) {
                    return true
                }
                return String.Index(text.utf8.index(text.utf8.startIndex, offsetBy: offset), within: text) != nil
            }
            for (index, byte) in bytes.enumerated() where byte == backslash || (semicolons && byte == semicolon) {
                guard isBoundary(index), isBoundary(index + 1) else { return false }
                if byte == backslash, index + 1 < bytes.count, escapes.contains(bytes[index + 1]),
                    !isBoundary(index + 2)
                {
                    return false
                }
            }
            return true
        } ?? false
    }

    /// `n`, `N`, `,`, `;`, `:` and `\\`: the characters a backslash escapes.
    private static let escapes: [UInt8] = [0x6E, 0x4E, 0x2C, 0x3B, 0x3A, 0x5C]

    /// `unescaped` on a range of bytes that passed `isPlain`.
    private static func unescaped(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let part = UnsafeBufferPointer(rebasing: bytes[range])
        guard part.contains(backslash) else { return String(decoding: part, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: part.count) { result in
            var count = 0
            var index = 0
            while index < part.count {
                let byte = part[index]
                index += 1
                guard byte == backslash, index < part.count else {
                    result[count] = byte
                    count += 1
                    continue
                }
                let escaped = part[index]
                index += 1
                switch escaped {
                case 0x6E, 0x4E: result[count] = 0x0A  // n, N
                case 0x2C, 0x3B, 0x3A, backslash: result[count] = escaped  // , ; : \
                default:
                    result[count] = backslash
                    count += 1
                    result[count] = escaped
                }
                count += 1
            }
            return count
        }
    }

    /// `unescaped`, one `Character` at a time.
    private static func characterUnescaped(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "n", "N": result.append("\n")
                case ",", ";", ":", "\\": result.append(character)
                default: result += "\\" + String(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        if escaping { result.append("\\") }
        return result
    }

    /// The fields split on unescaped `;` and unescaped, one `Character` at a time.
    private static func characterComponents(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaping = false
        for character in text {
            if escaping {
                current += "\\" + String(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == ";" {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaping { current.append("\\") }
        parts.append(current)
        return parts.map(characterUnescaped)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

extension VCardProperty {
    /// Quoted-printable decoded, read in its charset (UTF-8 once the file was transcoded from UTF-16),
    /// line breaks as "\n"; escapes are left for the caller, who knows whether the value is structured.
    func rawText(transcoded: Bool) -> (text: String, unknownCharset: String?) {
        let isQuotedPrintable = parameter("ENCODING")?.uppercasedEquals("QUOTED-PRINTABLE") ?? false
        let charset = transcoded && !isQuotedPrintable ? nil : parameter("CHARSET")
        guard isQuotedPrintable else {
            // A logical line holds no CR or LF: the file was split on them.
            let (text, known) = VCardCharset.decode(value, charset: charset)
            return (text, known ? nil : charset)
        }
        var bytes = VCardValue.quotedPrintableDecoded(value)
        if bytes.contains(0x0D) {
            // CR LF and lone CRs as LF; in every charset read here CR is the byte 0x0D and no byte of a
            // multi-byte character.
            var lines: [UInt8] = []
            lines.reserveCapacity(bytes.count)
            for (index, byte) in bytes.enumerated() where byte != 0x0D || bytes.dropFirst(index + 1).first != 0x0A {
                lines.append(byte == 0x0D ? 0x0A : byte)
            }
            bytes = lines
        }
        let (text, known) = VCardCharset.decode(bytes[...], charset: charset)
        return (text, known ? nil : charset)
    }
}
