import Foundation

/// Decoding of property values: transfer encodings first (on bytes), then the charset, then escapes.
enum VCardValue {
    /// The bytes behind a quoted-printable value; a `=` not followed by two hex digits is kept as written.
    static func quotedPrintableDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x3D, index + 2 < bytes.count,
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

    /// The fields of a structured value (N, ADR, ORG), split on unescaped `;` and then unescaped.
    static func components(_ text: String) -> [String] {
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
        return parts.map(unescaped)
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
        let isQuotedPrintable = parameter("ENCODING")?.uppercased() == "QUOTED-PRINTABLE"
        let bytes = isQuotedPrintable ? VCardValue.quotedPrintableDecoded(value) : value
        let charset = transcoded && !isQuotedPrintable ? nil : parameter("CHARSET")
        let (text, known) = VCardCharset.decode(bytes, charset: charset)
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return (lines, known ? nil : charset)
    }
}
