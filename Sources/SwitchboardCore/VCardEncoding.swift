import Foundation

/// The lines of one card in the syntax of its version: escaping, quoted-printable (2.1) or folding
/// (3.0, 4.0), and the photo.
struct VCardOutput {
    let version: VCardVersion
    private(set) var lines: [String] = []

    init(version: VCardVersion) { self.version = version }

    /// A text value, escaped here; empty values are left out.
    mutating func add(_ name: String, _ parameters: [String] = [], text: String?) {
        guard let text, !text.isEmpty else { return }
        addEscaped(name, parameters, escape(text, structured: false))
    }

    /// A structured value (N, ORG, ADR): its fields escaped and joined with `;`.
    mutating func add(_ name: String, _ parameters: [String] = [], fields: [String?]) {
        addEscaped(name, parameters, fields.map { escape($0 ?? "", structured: true) }.joined(separator: ";"))
    }

    /// A value written as given, folded if the version folds.
    mutating func addVerbatim(_ name: String, _ parameters: [String] = [], value: String) {
        append(([name] + parameters).joined(separator: ";") + ":" + value)
    }

    /// 2.1 inline base64 (indented body and the blank line that ends it), 3.0 `ENCODING=b`, 4.0 `data:` URI.
    mutating func addPhoto(_ photo: Data) {
        let base64 = photo.base64EncodedString()
        let format = VCardOutput.imageFormat(photo)
        switch version {
        case .v21:
            let head = "PHOTO;ENCODING=BASE64" + (format.map { ";TYPE=" + $0.uppercased() } ?? "") + ":"
            var rest = Substring(base64)
            lines.append(head + rest.prefix(76 - head.count))
            rest = rest.dropFirst(76 - head.count)
            while !rest.isEmpty {
                lines.append(" " + rest.prefix(75))
                rest = rest.dropFirst(75)
            }
            lines.append("")
        case .v30:
            addVerbatim("PHOTO", ["ENCODING=b"] + (format.map { ["TYPE=" + $0.uppercased()] } ?? []), value: base64)
        case .v40:
            let media = format.map { "image/" + $0 } ?? "application/octet-stream"
            addVerbatim("PHOTO", value: "data:\(media);base64,\(base64)")
        }
    }

    /// "jpeg", "png" or "gif" from the magic bytes; `nil` for anything else.
    static func imageFormat(_ data: Data) -> String? {
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpeg" }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "png" }
        if data.starts(with: Array("GIF8".utf8)) { return "gif" }
        return nil
    }

    private mutating func addEscaped(_ name: String, _ parameters: [String], _ value: String) {
        let line = ([name] + parameters).joined(separator: ";") + ":" + value
        let needsEncoding = line.utf8.count > 76 || value.utf8.contains { $0 >= 0x80 || $0 == 0x0A || $0 == 0x0D }
        guard version == .v21, needsEncoding else { return append(line) }
        let head = ([name] + parameters + ["CHARSET=UTF-8", "ENCODING=QUOTED-PRINTABLE"]).joined(separator: ";")
        lines += VCardOutput.quotedPrintableLines(head + ":", value.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    /// 2.1 leaves commas alone (Outlook would show the backslash) and has no `\n`: line breaks go
    /// through quoted-printable. 3.0 and 4.0 escape `\`, `,`, `;` and line breaks everywhere.
    private func escape(_ text: String, structured: Bool) -> String {
        // Byte by byte: Foundation's `replacingOccurrences`, four calls per value, was most of an export's time. The
        // bytes escaped are ASCII, never part of a multi-byte character.
        let escapesSemicolon = version != .v21 || structured
        let escapesAll = version != .v21
        func escaped(_ byte: UInt8) -> Bool {
            switch byte {
            case 0x5C: true
            case 0x3B: escapesSemicolon
            case 0x2C, 0x0A: escapesAll
            default: false
            }
        }
        guard text.utf8.contains(where: escaped) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x5C: output += [0x5C, 0x5C]
            case 0x3B where escapesSemicolon: output += [0x5C, 0x3B]
            case 0x2C where escapesAll: output += [0x5C, 0x2C]
            case 0x0A where escapesAll: output += [0x5C, 0x6E]
            case 0x0D where escapesAll && index + 1 < bytes.count && bytes[index + 1] == 0x0A:
                // CR LF is one line break.
                output += [0x5C, 0x6E]
                index += 1
            default: output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// 2.1 lines are never folded (2.1 readers keep the fold's space); 3.0 and 4.0 lines are folded at
    /// 75 octets, never inside a UTF-8 sequence.
    private mutating func append(_ line: String) {
        guard version != .v21 else { return lines.append(line) }
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > 75 {
                lines.append(current)
                current = " "
                octets = 1
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        lines.append(current)
    }

    /// The value quoted-printable encoded after `head`, in lines of at most 76 characters ending in a
    /// soft break `=`. A character's bytes stay on one line, and a space starting or ending a line is `=20`.
    static func quotedPrintableLines(_ head: String, _ value: String) -> [String] {
        var lines: [String] = []
        var current = head
        let scalars = Array(value.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            var token = String(scalar).utf8.map { byte in
                (33...126).contains(byte) && byte != 0x3D || byte == 0x20
                    ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            }.joined()
            if token == " ", index == scalars.count - 1 { token = "=20" }
            if current.count + token.count > 75 {
                lines.append(current + "=")
                current = ""
            }
            if token == " ", current.isEmpty { token = "=20" }
            current += token
        }
        lines.append(current)
        return lines
    }
}
