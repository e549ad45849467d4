/// Byte-level text helpers for the vCard reader, written with the standard library only: Foundation's
/// `trimmingCharacters(in:)`, `replacingOccurrences` and `String(bytes:encoding:)` went through
/// `NSString` and UTF-16 and were most of the time spent reading a file.
///
/// Each helper gives exactly the result of the Foundation call it replaces; trimming is in
/// `WhitespaceTrimming.swift`.
enum VCardText {
    /// Whether `bytes` spell `word` (upper-case ASCII) in any ASCII case.
    static func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { expected in
            bytes.count == expected.count
                && zip(bytes, expected).allSatisfy { byte, upper in
                    byte == upper || (upper >= 0x41 && upper <= 0x5A && byte == upper + 0x20)
                }
        }
    }

    /// Whether the UTF-8 of `text` holds `byte`.
    static func contains(_ text: String, _ byte: UInt8) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? text.utf8.contains(byte)
    }

    /// `text` with its ASCII letters upper-cased; other bytes as they are.
    static func asciiUppercased(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[index] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
            }
            return bytes.count
        }
    }
}

extension String {
    /// `uppercased() == word` for an upper-case `word`, without allocating when the text is ASCII
    /// (other text can upper-case to ASCII: "ı" is "I", "ſ" is "S", so it goes the long way).
    func uppercasedEquals(_ word: StaticString) -> Bool {
        var text = self
        return text.withUTF8 { bytes in
            bytes.allSatisfy({ $0 < 0x80 })
                ? VCardText.equalsIgnoringASCIICase(bytes, word) : uppercased() == word.description
        }
    }

    /// `lowercased().hasPrefix(prefix)` for a lower-case ASCII `prefix`, without allocating. No other
    /// character lower-cases to ASCII letters of a prefix; only a mark after the prefix could join its
    /// last character, and that case goes the long way.
    func lowercasedHasPrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { expected in
            guard utf8.count >= expected.count else { return false }
            var bytes = utf8.makeIterator()
            for lower in expected {
                guard let byte = bytes.next(), byte == lower || (lower >= 0x61 && lower <= 0x7A && byte == lower - 0x20)
                else { return false }
            }
            if let next = bytes.next(), next >= 0x80 { return lowercased().hasPrefix(prefix.description) }
            return true
        }
    }
}
