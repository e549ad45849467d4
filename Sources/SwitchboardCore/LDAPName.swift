/// A distinguished name as LDAP clients send it ("uid=alice, DC=Switchboard"): its relative names, attribute types
/// in lower case, values unescaped (RFC 4514: `\,`, `\+`, `\"`, `\\`, `\<`, `\>`, `\;`, `\=`, `\#` and `\XX` hex).
/// Multi-valued relative names ("cn=a+sn=b") are not used by this directory and read as one value.
public struct LDAPName: Equatable, Sendable {
    public struct Part: Equatable, Sendable {
        public let type: String
        public let value: String

        public init(type: String, value: String) {
            self.type = type
            self.value = value
        }
    }

    public let parts: [Part]

    public init?(_ text: String) {
        var parts: [Part] = []
        var type = ""
        var value = ""
        var readingValue = false
        var bytes = Array(text.utf8)[...]
        var valueBytes: [UInt8] = []
        func finish() -> Bool {
            guard let decoded = String(validating: valueBytes, as: UTF8.self) else { return false }
            value = decoded.trimmingCharacters(in: .whitespaces)
            let name = type.trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty,
                name.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".")
                })
            else {
                return false
            }
            parts.append(Part(type: name, value: value))
            type = ""
            valueBytes = []
            readingValue = false
            return true
        }
        while let byte = bytes.popFirst() {
            if !readingValue {
                if byte == UInt8(ascii: "=") {
                    readingValue = true
                } else if byte == UInt8(ascii: ",") {
                    return nil
                } else {
                    type.append(Character(Unicode.Scalar(byte)))
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"):
                guard let next = bytes.popFirst() else { return nil }
                if let high = next.hexDigitValue {
                    guard let second = bytes.popFirst(), let low = second.hexDigitValue else { return nil }
                    valueBytes.append(high << 4 | low)
                } else {
                    valueBytes.append(next)
                }
            case UInt8(ascii: ","), UInt8(ascii: ";"):
                guard finish() else { return nil }
            default:
                valueBytes.append(byte)
            }
        }
        if readingValue {
            guard finish() else { return nil }
        } else if !type.trimmingCharacters(in: .whitespaces).isEmpty {
            return nil
        }
        self.parts = parts
    }

    public init(parts: [Part]) {
        self.parts = parts
    }

    /// The name compared as this directory compares names: types and values in lower case, no spaces around.
    public var normalized: String {
        parts.map { "\($0.type)=\(Self.escaped($0.value.lowercased()))" }.joined(separator: ",")
    }

    /// The value escaped for a DN string (RFC 4514 §2.4).
    public static func escaped(_ value: String) -> String {
        var out = ""
        for (index, character) in value.enumerated() {
            if ",+\"\\<>;=".contains(character) || (index == 0 && (character == "#" || character == " ")) {
                out.append("\\")
            }
            out.append(character)
        }
        if out.hasSuffix(" ") { out.insert("\\", at: out.index(before: out.endIndex)) }
        return out
    }

    /// Whether this name ends with `suffix` (both compared normalized), and what precedes it.
    public func relative(to suffix: LDAPName) -> [Part]? {
        let mine = parts.map { Part(type: $0.type, value: $0.value.lowercased()) }
        let theirs = suffix.parts.map { Part(type: $0.type, value: $0.value.lowercased()) }
        guard mine.count >= theirs.count, Array(mine.suffix(theirs.count)) == theirs else { return nil }
        return Array(parts.prefix(parts.count - theirs.count))
    }
}

extension LDAPName {
    /// The name a contact group binds with (`cn=<slug>,<base>`): its name folded to lower-case letters and digits,
    /// words joined by "-" ("Direction générale" → "direction-generale").
    public static func slug(of groupName: String) -> String {
        SearchFolding.fold(groupName).split { !($0.isLetter || $0.isNumber) || !$0.isASCII }.joined(separator: "-")
    }
}
