import Foundation

/// A logical line of a vCard, still as bytes: its physical lines joined back, with the 1-based
/// number of the first one. A line that was not folded is a slice of the file, not a copy.
struct VCardLine: Equatable {
    var bytes: ArraySlice<UInt8>
    var number: Int
}

enum VCardLineSplitter {
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09
    private static let colon: UInt8 = 0x3A
    private static let equals: UInt8 = 0x3D

    /// Joins physical lines: a line starting with a space or tab continues the previous one, a
    /// quoted-printable value ending in `=` continues on the next line as is, and the body of a 2.1
    /// base64 value may run on unindented lines until the blank line that ends it.
    static func logicalLines(_ bytes: [UInt8]) -> [VCardLine] {
        let physical = physicalLines(bytes)
        var result: [VCardLine] = []
        result.reserveCapacity(physical.count)
        var index = 0
        while index < physical.count {
            var current = physical[index]
            let number = index + 1
            index += 1
            if current.allSatisfy({ $0 == space || $0 == tab }) { continue }
            // Read from the parameters only when needed, and kept once the colon after them has been seen.
            var encoding: ValueEncoding?
            while index < physical.count {
                let line = physical[index]
                if current.last == equals {
                    if encoding == nil { encoding = valueEncoding(current) }
                    // A soft break before a property line is a stray `=`: the value ends there, and the next
                    // property (an `END:VCARD` above all) is read as one.
                    if encoding == .quotedPrintable {
                        current.removeLast()
                        if startsProperty(line) { break }
                        current.append(contentsOf: line)
                        index += 1
                        continue
                    }
                }
                if let first = line.first, first == space || first == tab {
                    current.append(contentsOf: line.dropFirst())
                    index += 1
                    continue
                }
                if !line.isEmpty, !line.contains(colon) {
                    if encoding == nil { encoding = valueEncoding(current) }
                    if encoding == .base64 {
                        current.append(contentsOf: line.lazy.filter { $0 != space && $0 != tab })
                        index += 1
                        continue
                    }
                }
                break
            }
            result.append(VCardLine(bytes: current, number: number))
        }
        return result
    }

    /// Property names that begin a line of their own; with `X-` names, what a quoted-printable value is never
    /// continued by.
    private static let propertyNames: Set<String> = [
        "BEGIN", "END", "VERSION", "N", "FN", "TEL", "EMAIL", "ADR", "ORG", "TITLE", "NOTE", "BDAY", "PHOTO", "URL",
        "LABEL", "ROLE", "NICKNAME", "CATEGORIES", "UID", "REV", "KIND", "GENDER", "IMPP", "LOGO", "SOUND", "TZ", "GEO",
    ]

    /// Whether `line` starts like a property: a known name (or `X-…`), with an optional `group.`, then `:` or `;`.
    static func startsProperty(_ line: ArraySlice<UInt8>) -> Bool {
        let name = line.prefix { $0 != colon && $0 != UInt8(ascii: ";") }
        guard name.count < line.count, !name.isEmpty, name.count <= 64 else { return false }
        let bare = name.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).last ?? name[...]
        let upper = String(decoding: bare, as: UTF8.self).uppercased()
        guard
            upper.utf8.allSatisfy({
                $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
            })
        else { return false }
        return propertyNames.contains(upper) || upper.hasPrefix("X-")
    }

    /// Lines split on LF, CRLF, a lone CR, and the iPhone's CR CR LF (one break, not two).
    static func physicalLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case lf:
                lines.append(bytes[start..<index])
                index += 1
                start = index
            case cr:
                lines.append(bytes[start..<index])
                var end = index
                while end < bytes.count, bytes[end] == cr { end += 1 }
                if end < bytes.count, bytes[end] == lf {
                    end += 1
                } else {
                    // Old Mac files: every lone CR is a break of its own.
                    lines += Array(repeating: [], count: end - index - 1)
                }
                index = end
                start = index
            default:
                index += 1
            }
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    enum ValueEncoding { case plain, quotedPrintable, base64 }

    /// How the value of a (possibly still incomplete) line is encoded, read from the parameters
    /// before the first colon; `nil` while that colon has not been seen in the first 8 KiB.
    static func valueEncoding(_ line: ArraySlice<UInt8>) -> ValueEncoding? {
        guard let colonIndex = VCardPropertyParser.nameEnd(line.prefix(8192)) else {
            return line.count > 8192 ? .plain : nil
        }
        let head = line[..<colonIndex]
        guard head.allSatisfy({ $0 < 0x80 }) else { return textValueEncoding(String(decoding: head, as: UTF8.self)) }
        // ASCII: the same reading as `textValueEncoding`, on bytes.
        let upper = head.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        let quotedPrintable = Array("QUOTED-PRINTABLE".utf8)
        if upper.indices.contains(where: { upper[$0...].starts(with: quotedPrintable) }) { return .quotedPrintable }
        let parameters = upper.split(separator: 0x3B).dropFirst().map { $0.filter { $0 != space } }
        let base64Forms = ["BASE64", "ENCODING=B", "ENCODING=BASE64"].map { Array($0.utf8) }
        return parameters.contains(where: base64Forms.contains) ? .base64 : .plain
    }

    private static func textValueEncoding(_ text: String) -> ValueEncoding {
        let head = text.uppercased()
        if head.contains("QUOTED-PRINTABLE") { return .quotedPrintable }
        let parameters = head.split(separator: ";").dropFirst().map { $0.replacingOccurrences(of: " ", with: "") }
        if parameters.contains(where: { $0 == "BASE64" || $0 == "ENCODING=B" || $0 == "ENCODING=BASE64" }) {
            return .base64
        }
        return .plain
    }
}
