/// Trimming without Foundation: `trimmingCharacters(in:)` goes through CFString on Linux and cost a quarter of a
/// CSV import's time (and most of a vCard file's reading). Both trim the same scalars as Foundation's character
/// sets (`WhitespaceTrimming`), and return the string itself when there is nothing to trim.
extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`.
    var trimmed: String { WhitespaceTrimming.trimmed(self) }

    /// `trimmingCharacters(in: .whitespaces)`.
    var trimmedSpaces: String { WhitespaceTrimming.trimmed(self, newlines: false) }

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
