/// Reading `a=1&b=x%20y` into names and values, as `application/x-www-form-urlencoded` says (`+`
/// is a space, `%XX` a byte, bytes read as UTF-8). For the PBX's call-time questions, where the
/// general decoder of the web framework (Codable, Foundation strings) cost more than the answer.
public enum QueryString {
    /// The values by name; the first one wins when a name repeats. Malformed escapes are kept
    /// as written; invalid UTF-8 is repaired with U+FFFD.
    public static func parse(_ query: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = decode(pair[..<(equals ?? pair.endIndex)])
            let value = equals.map { decode(pair[pair.index(after: $0)...]) } ?? ""
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    public static func parse(_ query: String?) -> [String: String] {
        guard let query else { return [:] }
        return parse(query[...])
    }

    private static func decode(_ bytes: Substring.UTF8View.SubSequence) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let high = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), high < bytes.endIndex,
                let low = bytes.index(index, offsetBy: 2, limitedBy: bytes.endIndex), low < bytes.endIndex,
                let h = hexValue(bytes[high]), let l = hexValue(bytes[low])
            {
                out.append(h << 4 | l)
                index = low
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
