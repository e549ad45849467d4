/// What Switchboard accepts as a request's path and as a place to send a browser back to. Both are decided here,
/// once, because the router and the code that looks at a path must never disagree about which resource it names:
/// Vapor's router drops empty segments (`/api/v1//pbx/route` matches `/api/v1/pbx/route`) while the raw path keeps
/// them, and a redirect target read from a query (`next`, `returnTo`) ends up in a `Location` header.
public enum RequestTarget {
    /// Why a raw request path is not the one canonical spelling of a route.
    public enum PathVerdict: Equatable, Sendable {
        case canonical
        /// Not starting with `/`.
        case notAbsolute
        /// `//` somewhere: the router would ignore the empty segment.
        case emptySegment
        /// `.` or `..` as a segment, or written `%2E`.
        case dotSegment
        /// `%2F`, `%5C` or a backslash: a separator in disguise.
        case encodedSeparator
        /// A control character, raw or percent-encoded (`%00`, `%0D`, `%0A`…), or a malformed escape.
        case controlCharacter
    }

    /// Decides whether `path` (the raw path of a request line, without its query) is canonical. A trailing `/` is
    /// tolerated (`/contacts/`): it names the same route in every reading.
    public static func verdict(onPath path: Substring) -> PathVerdict {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return .notAbsolute }
        var index = 0
        var segmentStart = 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "/"):
                if index > 0 {
                    if let verdict = segmentVerdict(bytes[segmentStart..<index], isLast: false) { return verdict }
                    segmentStart = index + 1
                }
            case UInt8(ascii: "\\"):
                return .encodedSeparator
            case 0..<0x20, 0x7F:
                return .controlCharacter
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.count, let high = bytes[index + 1].hexDigitValue,
                    let low = bytes[index + 2].hexDigitValue
                else {
                    return .controlCharacter
                }
                let decoded = high << 4 | low
                switch decoded {
                case UInt8(ascii: "/"), UInt8(ascii: "\\"): return .encodedSeparator
                case UInt8(ascii: "."): return .dotSegment
                case 0..<0x20, 0x7F: return .controlCharacter
                default: break
                }
            default:
                break
            }
            index += 1
        }
        return segmentVerdict(bytes[segmentStart..<bytes.count], isLast: true) ?? .canonical
    }

    private static func segmentVerdict(_ segment: ArraySlice<UInt8>, isLast: Bool) -> PathVerdict? {
        if segment.isEmpty { return isLast ? nil : .emptySegment }
        if segment.allSatisfy({ $0 == UInt8(ascii: ".") }) && segment.count <= 2 { return .dotSegment }
        return nil
    }

    /// `candidate` when it is a place of this site a browser may be sent back to, else nil: a path (with an optional
    /// query and fragment) that is canonical, starts with one of `roots` as its first segment (or is `/`), and holds
    /// only characters URLs carry unescaped — no control character, no space, no backslash in the path, no scheme, no
    /// host.
    /// Every redirect built from something a request said goes through here.
    public static func redirect(_ candidate: String?, roots: Set<String>) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= 2048 else { return nil }
        let path = candidate.prefix { $0 != "?" && $0 != "#" }
        guard verdict(onPath: path) == .canonical else { return nil }
        guard path.utf8.allSatisfy(isURLCharacter),
            candidate.utf8.dropFirst(path.utf8.count).allSatisfy(isQueryCharacter)
        else { return nil }
        if path == "/" { return candidate }
        let first = path.dropFirst().prefix { $0 != "/" }
        return roots.contains(String(first)) ? candidate : nil
    }

    /// RFC 3986's unreserved, reserved and `%` characters: everything a URL holds without escaping. No space, no
    /// control character, no `\`, no `"`, `<`, `>`, `` ` ``, `{`, `}`, `|`, `^`, nothing beyond ASCII.
    private static func isURLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-._~:/?#[]@!$&'()*+,;=%".utf8.contains(byte)
        }
    }

    /// In a query or fragment, also what browsers leave unescaped there (`|`, `^`, `{`, `}`, `` ` ``, `\`): printable
    /// ASCII but for the space, `"`, `<` and `>`.
    private static func isQueryCharacter(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "<")
            && byte != UInt8(ascii: ">")
    }

}

extension UInt8 {
    /// The value of an ASCII hexadecimal digit (percent-encoding, DN escapes); `nil` for any other byte.
    var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
