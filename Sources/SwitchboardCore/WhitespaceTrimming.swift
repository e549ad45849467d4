/// `trimmingCharacters(in: .whitespaces)` and `(in: .whitespacesAndNewlines)` with the standard library
/// only, scalar by scalar on the UTF-8 bytes, with Foundation's character sets (checked scalar by scalar
/// against them in `WhitespaceTrimmingTests`). Foundation's version goes through `NSString` and UTF-16,
/// and was the largest cost of reading a vCard file.
enum WhitespaceTrimming {
    /// Foundation's `CharacterSet.whitespaces` (tab and the Unicode space separators, with U+200B).
    static func isWhitespace(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// Foundation's `CharacterSet.whitespacesAndNewlines`.
    static func isWhitespaceOrNewline(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: isWhitespace(scalar)
        }
    }

    /// `text.trimmingCharacters(in: .whitespacesAndNewlines)`, or `.whitespaces` when `newlines` is false.
    static func trimmed(_ text: String, newlines: Bool = true) -> String {
        var text = text
        let bounds = text.withUTF8 { trimmedBounds($0, newlines: newlines) }
        if bounds.lowerBound == 0, bounds.upperBound == text.utf8.count { return text }
        return text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[bounds]), as: UTF8.self) }
    }

    /// The range of `bytes` (valid UTF-8) left once leading and trailing white space is removed.
    static func trimmedBounds(_ bytes: UnsafeBufferPointer<UInt8>, newlines: Bool) -> Range<Int> {
        var start = 0
        var end = bytes.count
        while start < end {
            let (scalar, length) = scalar(in: bytes, at: start)
            guard newlines ? isWhitespaceOrNewline(scalar) : isWhitespace(scalar) else { break }
            start += length
        }
        while end > start {
            var first = end - 1
            while first > start, bytes[first] & 0xC0 == 0x80 { first -= 1 }
            let (scalar, _) = scalar(in: bytes, at: first)
            guard newlines ? isWhitespaceOrNewline(scalar) : isWhitespace(scalar) else { break }
            end = first
        }
        return start..<end
    }

    /// The scalar starting at `index` of valid UTF-8, and its length in bytes.
    @inline(__always)
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        func next(_ offset: Int) -> UInt32 {
            index + offset < bytes.count ? UInt32(bytes[index + offset] & 0x3F) : 0
        }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | next(1), 2) }
        if lead < 0xF0 { return ((lead & 0x0F) << 12 | next(1) << 6 | next(2), 3) }
        return ((lead & 0x07) << 18 | next(1) << 12 | next(2) << 6 | next(3), 4)
    }
}
