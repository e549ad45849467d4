import Foundation

/// The lines of one card in the syntax of its version: escaping, quoted-printable (2.1) or folding
/// (3.0, 4.0), and the photo. Written as UTF-8 bytes, each line ended by CR LF: an export writes every
/// contact through here, and building `String` lines (with Foundation's `String(format:)` per
/// quoted-printable byte and `replacingOccurrences` per value) was most of its time.
struct VCardOutput {
    let version: VCardVersion
    private(set) var bytes: [UInt8] = []
    /// A value being escaped, kept between properties to save its allocation.
    private var value: [UInt8] = []

    init(version: VCardVersion) {
        self.version = version
        bytes.reserveCapacity(512)
        value.reserveCapacity(128)
    }

    /// The card as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A text value, escaped here; empty values are left out.
    mutating func add(_ name: String, _ parameters: [String] = [], text: String?) {
        guard let text, !text.isEmpty else { return }
        value.removeAll(keepingCapacity: true)
        appendEscaped(text, structured: false)
        addValue(name, parameters)
    }

    /// A structured value (N, ORG, ADR): its fields escaped and joined with `;`.
    mutating func add(_ name: String, _ parameters: [String] = [], fields: [String?]) {
        value.removeAll(keepingCapacity: true)
        for (index, field) in fields.enumerated() {
            if index > 0 { value.append(0x3B) }
            if let field { appendEscaped(field, structured: true) }
        }
        addValue(name, parameters)
    }

    /// A value written as given, folded if the version folds.
    mutating func addVerbatim(_ name: String, _ parameters: [String] = [], value text: String) {
        var line = Self.head(name, parameters)
        line.append(0x3A)
        line += text.utf8
        appendLine(line)
    }

    /// 2.1 inline base64 (indented body and the blank line that ends it), 3.0 `ENCODING=b`, 4.0 `data:` URI.
    mutating func addPhoto(_ photo: Data) {
        let base64 = photo.base64EncodedString()
        let format = VCardOutput.imageFormat(photo)
        switch version {
        case .v21:
            let head = Array(("PHOTO;ENCODING=BASE64" + (format.map { ";TYPE=" + $0.uppercased() } ?? "") + ":").utf8)
            var rest = Array(base64.utf8)[...]
            bytes += head
            bytes += rest.prefix(76 - head.count)
            bytes += [0x0D, 0x0A]
            rest = rest.dropFirst(76 - head.count)
            while !rest.isEmpty {
                bytes.append(0x20)
                bytes += rest.prefix(75)
                bytes += [0x0D, 0x0A]
                rest = rest.dropFirst(75)
            }
            bytes += [0x0D, 0x0A]
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

    /// `NAME;PARAM;PARAM` as bytes.
    private static func head(_ name: String, _ parameters: [String]) -> [UInt8] {
        var head = Array(name.utf8)
        for parameter in parameters {
            head.append(0x3B)
            head += parameter.utf8
        }
        return head
    }

    /// The property with the escaped `value`: as it is, folded (3.0, 4.0), or quoted-printable (2.1, when the value
    /// is not ASCII, holds a line break, or the line would be longer than 76 characters).
    private mutating func addValue(_ name: String, _ parameters: [String]) {
        var line = Self.head(name, parameters)
        let needsEncoding =
            line.count + 1 + value.count > 76 || value.contains { $0 >= 0x80 || $0 == 0x0A || $0 == 0x0D }
        guard version == .v21, needsEncoding else {
            line.append(0x3A)
            line += value
            return appendLine(line)
        }
        line += Array(";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:".utf8)
        // A line break alone becomes CR LF.
        if value.contains(0x0A) {
            var broken: [UInt8] = []
            broken.reserveCapacity(value.count + 8)
            for (index, byte) in value.enumerated() {
                if byte == 0x0A, index == 0 || value[index - 1] != 0x0D { broken.append(0x0D) }
                broken.append(byte)
            }
            value = broken
        }
        appendQuotedPrintable(head: line)
    }

    /// 2.1 leaves commas alone (Outlook would show the backslash) and has no `\n`: line breaks go
    /// through quoted-printable. 3.0 and 4.0 escape `\`, `,`, `;` and line breaks everywhere. The bytes escaped
    /// are ASCII, never part of a multi-byte character.
    private mutating func appendEscaped(_ text: String, structured: Bool) {
        let escapesSemicolon = version != .v21 || structured
        let escapesAll = version != .v21
        var previous: UInt8 = 0
        for byte in text.utf8 {
            switch byte {
            case 0x5C: value += [0x5C, 0x5C]
            case 0x3B where escapesSemicolon: value += [0x5C, 0x3B]
            case 0x2C where escapesAll: value += [0x5C, 0x2C]
            case 0x0A where escapesAll:
                // CR LF is one line break: the CR written before it goes.
                if previous == 0x0D { value.removeLast() }
                value += [0x5C, 0x6E]
            default: value.append(byte)
            }
            previous = byte
        }
    }

    /// 2.1 lines are never folded (2.1 readers keep the fold's space); 3.0 and 4.0 lines are folded at
    /// 75 octets, never inside a UTF-8 sequence.
    private mutating func appendLine(_ line: [UInt8]) {
        guard version != .v21 else {
            bytes += line
            bytes += [0x0D, 0x0A]
            return
        }
        var octets = 0
        var index = 0
        while index < line.count {
            let size = Self.scalarWidth(line[index])
            if octets + size > 75 {
                bytes += [0x0D, 0x0A, 0x20]
                octets = 1
            }
            bytes += line[index..<min(index + size, line.count)]
            octets += size
            index += size
        }
        bytes += [0x0D, 0x0A]
    }

    /// The escaped value quoted-printable encoded after `head`, in lines of at most 76 characters ending in a soft
    /// break `=`. A character's bytes stay on one line, and a space starting or ending a line is `=20`.
    private mutating func appendQuotedPrintable(head: [UInt8]) {
        bytes += head
        var length = head.count
        var token: [UInt8] = []
        token.reserveCapacity(12)
        var index = 0
        while index < value.count {
            let end = min(index + Self.scalarWidth(value[index]), value.count)
            token.removeAll(keepingCapacity: true)
            for position in index..<end {
                let byte = value[position]
                if (33...126).contains(byte) && byte != 0x3D || byte == 0x20 {
                    token.append(byte)
                } else {
                    token += [0x3D, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)]]
                }
            }
            var isSpace = token == [0x20]
            if isSpace, end == value.count {
                token = [0x3D, 0x32, 0x30]
                isSpace = false
            }
            if length + token.count > 75 {
                bytes += [0x3D, 0x0D, 0x0A]
                length = 0
            }
            if isSpace, length == 0 { token = [0x3D, 0x32, 0x30] }
            bytes += token
            length += token.count
            index = end
        }
        bytes += [0x0D, 0x0A]
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// How many bytes the UTF-8 sequence starting with `lead` has.
    private static func scalarWidth(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
