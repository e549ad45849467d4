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
        let needsEncoding = !value.allSatisfy(\.isASCII) || value.contains("\n") || line.utf8.count > 76
        guard version == .v21, needsEncoding else { return append(line) }
        let head = ([name] + parameters + ["CHARSET=UTF-8", "ENCODING=QUOTED-PRINTABLE"]).joined(separator: ";")
        lines += VCardOutput.quotedPrintableLines(head + ":", value.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    /// 2.1 leaves commas alone (Outlook would show the backslash) and has no `\n`: line breaks go
    /// through quoted-printable. 3.0 and 4.0 escape `\`, `,`, `;` and line breaks everywhere.
    private func escape(_ text: String, structured: Bool) -> String {
        var result = text.replacingOccurrences(of: "\\", with: "\\\\")
        if version != .v21 || structured { result = result.replacingOccurrences(of: ";", with: "\\;") }
        guard version != .v21 else { return result }
        return result.replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
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
