import Foundation

/// A logical line of a vCard, still as bytes: its physical lines joined back, with the 1-based
/// number of the first one.
struct VCardLine: Equatable {
    var bytes: [UInt8]
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
        var result: [VCardLine] = []
        var current: VCardLine?
        // Read from the parameters only when needed, and kept once the colon after them has been seen.
        var currentEncoding: ValueEncoding?
        func encoding() -> ValueEncoding {
            if currentEncoding == nil, let open = current { currentEncoding = valueEncoding(open.bytes) }
            return currentEncoding ?? .plain
        }
        for (index, line) in physicalLines(bytes).enumerated() {
            if current != nil {
                if current?.bytes.last == equals, encoding() == .quotedPrintable {
                    current?.bytes.removeLast()
                    current?.bytes += line
                    continue
                }
                if let first = line.first, first == space || first == tab {
                    current?.bytes += line.dropFirst()
                    continue
                }
                if !line.isEmpty, !line.contains(colon), encoding() == .base64 {
                    current?.bytes += line.filter { $0 != space && $0 != tab }
                    continue
                }
                result.append(current!)
                current = nil
            }
            if line.allSatisfy({ $0 == space || $0 == tab }) { continue }
            current = VCardLine(bytes: Array(line), number: index + 1)
            currentEncoding = nil
        }
        if let open = current { result.append(open) }
        return result
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
    static func valueEncoding(_ line: [UInt8]) -> ValueEncoding? {
        guard let colonIndex = VCardPropertyParser.nameEnd(line.prefix(8192)) else {
            return line.count > 8192 ? .plain : nil
        }
        let head = String(decoding: line[..<colonIndex], as: UTF8.self).uppercased()
        if head.contains("QUOTED-PRINTABLE") { return .quotedPrintable }
        let parameters = head.split(separator: ";").dropFirst().map { $0.replacingOccurrences(of: " ", with: "") }
        if parameters.contains(where: { $0 == "BASE64" || $0 == "ENCODING=B" || $0 == "ENCODING=BASE64" }) {
            return .base64
        }
        return .plain
    }
}
