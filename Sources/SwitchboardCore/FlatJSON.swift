/// Reads and writes the JSON a contact's numbers, e-mails and addresses are stored as — an array of
/// flat objects whose values are strings, booleans or null — straight from and to UTF-8 text.
///
/// An export reads three such arrays per contact, and Foundation's `JSONDecoder` spent more time
/// on them than everything else together (generic containers and metadata per entry). Anything
/// outside that shape — a number, a nested value, broken text — is not read here (`nil`): the
/// caller then hands the text to `JSONDecoder`, which reads it or says what is wrong.
public enum FlatJSON {
    public enum Value: Equatable, Sendable {
        case string(String)
        case bool(Bool)
        case null

        public var string: String? {
            if case .string(let text) = self { return text }
            return nil
        }
    }

    /// One object's members, in the order of the text.
    public typealias Object = [(key: String, value: Value)]

    /// The objects of `bytes`, or `nil` when the text is not an array of flat objects.
    public static func objects(_ bytes: UnsafeBufferPointer<UInt8>) -> [Object]? {
        var reader = Reader(bytes: bytes)
        return reader.array()
    }

    public static func objects(_ text: String) -> [Object]? {
        var text = text
        return text.withUTF8 { objects($0) }
    }

    /// `elements` as an array of objects, each written by `write` (members in the order written, a `nil`
    /// string left out as `JSONEncoder` leaves out an absent optional). What `objects` and `JSONDecoder`
    /// read back; a CSV import writes three such lists per contact, and `JSONEncoder` cost more than
    /// the database's inserts of them.
    public static func array<Element>(_ elements: [Element], _ write: (Element, inout ObjectWriter) -> Void)
        -> String
    {
        var writer = ObjectWriter()
        writer.bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            writer.bytes.append(UInt8(ascii: "{"))
            writer.empty = true
            write(element, &writer)
            writer.bytes.append(UInt8(ascii: "}"))
        }
        writer.bytes.append(UInt8(ascii: "]"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes an object's members as UTF-8 bytes: appending to a `String` a piece at a time cost more than the
    /// pieces.
    public struct ObjectWriter {
        fileprivate var bytes: [UInt8] = []
        fileprivate var empty = true

        fileprivate init() { bytes.reserveCapacity(128) }

        public mutating func add(_ key: String, _ value: String?) {
            guard let value else { return }
            member(key)
            FlatJSON.append(value, to: &bytes)
        }

        public mutating func add(_ key: String, _ value: Bool) {
            member(key)
            bytes.append(contentsOf: value ? Self.true : Self.false)
        }

        private static let `true` = Array("true".utf8)
        private static let `false` = Array("false".utf8)

        private mutating func member(_ key: String) {
            if !empty { bytes.append(UInt8(ascii: ",")) }
            empty = false
            FlatJSON.append(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped, the rest (UTF-8 included) as
    /// it is.
    static func append(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x20...: bytes.append(byte)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            default:
                let digits = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 0x0F)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func array() -> [Object]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var objects: [Object] = []
            if take(UInt8(ascii: "]")) { return end() ? objects : nil }
            repeat {
                guard let object = object() else { return nil }
                objects.append(object)
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return nil }
            return end() ? objects : nil
        }

        private mutating func object() -> Object? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: Object = []
            if take(UInt8(ascii: "}")) { return members }
            repeat {
                skipSpace()
                guard let key = string(), take(UInt8(ascii: ":")), let value = value() else { return nil }
                members.append((key, value))
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) ? members : nil
        }

        private mutating func value() -> Value? {
            skipSpace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return word("null") ? .null : nil
            default: return nil
            }
        }

        /// A string at `position` (its opening quote), unescaped.
        private mutating func string() -> String? {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
            let start = position + 1
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    position = index + 1
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
                if byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        private mutating func escapedString(from start: Int) -> String? {
            var utf8: [UInt8] = []
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    position = index
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4(at: index) else { return nil }
                        index += 4
                        if (0xD800..<0xDC00).contains(scalar) {
                            // A high surrogate must be followed by `\u` and a low one.
                            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                                bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(at: index + 2),
                                (0xDC00..<0xE000).contains(low)
                            else { return nil }
                            index += 6
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(scalar) {
                            return nil
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        utf8.append(contentsOf: UTF8.encode(unicode)!)
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    utf8.append(byte)
                }
            }
            return nil
        }

        private func hex4(at index: Int) -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[index..<(index + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        private mutating func word(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            let matches = word.withUTF8Buffer { expected in
                expected.elementsEqual(bytes[position..<(position + count)])
            }
            if matches { position += count }
            return matches
        }

        /// Skips white space, then takes `byte` if it comes next.
        private mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        private mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        private mutating func end() -> Bool {
            skipSpace()
            return position == bytes.count
        }
    }
}
