/// Trimming without Foundation: `trimmingCharacters(in:)` goes through CFString on Linux and cost a quarter of a
/// CSV import's time. These trim the same scalars as Foundation's character sets, scalar by scalar as Foundation
/// does (a combining mark after a trimmed space stays), and return the string itself when there is nothing to trim.
extension Unicode.Scalar {
    /// `CharacterSet.whitespaces`: tab, the space separators (Unicode category Zs) and, as Foundation has it,
    /// the zero-width space U+200B.
    var isSpaceOrTab: Bool {
        switch value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `CharacterSet.whitespacesAndNewlines`: the above, line feed to carriage return, NEL and the line and
    /// paragraph separators.
    var isSpaceOrNewline: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: isSpaceOrTab
        }
    }
}

extension String {
    /// The text without the leading and trailing scalars that `trim` says to drop.
    func trimmingScalars(where trim: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !trim($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !trim($0) })!
        return String(Substring(scalars[first...last]))
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`.
    var trimmed: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
            first.isSpaceOrNewline || last.isSpaceOrNewline
        else { return self }
        return trimmingScalars(where: \.isSpaceOrNewline)
    }

    /// `trimmingCharacters(in: .whitespaces)`.
    var trimmedSpaces: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
            first.isSpaceOrTab || last.isSpaceOrTab
        else { return self }
        return trimmingScalars(where: \.isSpaceOrTab)
    }

    /// The UTF-8 of `self` holds `needle`'s bytes somewhere (an ASCII needle: no normalisation question).
    func containsBytes(_ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let head = pattern.first else { return true }
        var copy = self
        return copy.withUTF8 { Self.search(pattern, head, in: $0) }
    }

    private static func search(
        _ pattern: UnsafeBufferPointer<UInt8>, _ head: UInt8, in bytes: UnsafeBufferPointer<UInt8>
    )
        -> Bool
    {
        guard bytes.count >= pattern.count else { return false }
        var index = 0
        let last = bytes.count - pattern.count
        while index <= last {
            if bytes[index] == head {
                var offset = 1
                while offset < pattern.count, bytes[index + offset] == pattern[offset] { offset += 1 }
                if offset == pattern.count { return true }
            }
            index += 1
        }
        return false
    }
}
