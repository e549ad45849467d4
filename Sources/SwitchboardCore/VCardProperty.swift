import Foundation

/// One `[group.]NAME;PARAM=…:value` line, split but with its value still encoded.
struct VCardProperty {
    var group: String?
    /// Upper-cased.
    var name: String
    var parameters: [VCardParameter]
    var value: [UInt8]
    var line: Int

    /// Lower-cased `TYPE` values, whether written `TYPE=a,b`, `TYPE=a;TYPE=b` or bare (2.1 `TEL;WORK;VOICE`).
    var types: Set<String> {
        Set(parameters.filter { $0.name == "TYPE" }.flatMap { $0.values.map { $0.lowercased() } })
    }

    /// `PREF` as a type (2.1, 3.0) or as `PREF=n` (4.0).
    var isPreferred: Bool { types.contains("pref") || parameter("PREF") != nil }

    func parameter(_ name: String) -> String? { parameters.first { $0.name == name }?.values.first }
}

struct VCardParameter: Equatable {
    /// Upper-cased.
    var name: String
    var values: [String]
}

enum VCardPropertyParser {
    /// Bare 2.1 parameters that name an encoding rather than a type.
    private static let bareEncodings: Set<String> = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"]

    /// The property, or `nil` when the line has no name or no colon; parameters that cannot be read
    /// are left out and returned as problems.
    static func parse(_ line: VCardLine) -> (property: VCardProperty?, problems: [VCardProblem]) {
        guard let colonIndex = nameEnd(line.bytes) ?? line.bytes.firstIndex(of: 0x3A) else {
            return (nil, [VCardProblem(line: line.number, kind: .missingColon)])
        }
        let head = VCardCharset.utf8OrWindows1252(Array(line.bytes[..<colonIndex]))
        var segments = split(head, separator: ";")
        let fullName = segments.removeFirst().trimmingCharacters(in: .whitespaces)
        let nameParts = fullName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(nameParts.last ?? "").uppercased()
        guard !name.isEmpty else { return (nil, [VCardProblem(line: line.number, kind: .missingColon)]) }
        var problems: [VCardProblem] = []
        var parameters: [VCardParameter] = []
        for segment in segments {
            if let parameter = parameter(segment) {
                parameters.append(parameter)
            } else {
                problems.append(VCardProblem(line: line.number, kind: .malformedParameter(segment)))
            }
        }
        let property = VCardProperty(
            group: nameParts.count == 2 ? String(nameParts[0]) : nil, name: name, parameters: parameters,
            value: Array(line.bytes[(colonIndex + 1)...]), line: line.number)
        return (property, problems)
    }

    /// The index of the colon that ends the name and parameters: the first one outside double quotes.
    static func nameEnd(_ bytes: some Collection<UInt8>) -> Int? {
        var quoted = false
        for (index, byte) in bytes.enumerated() {
            if byte == 0x22 { quoted.toggle() }
            if byte == 0x3A, !quoted { return index }
        }
        return nil
    }

    private static func parameter(_ segment: String) -> VCardParameter? {
        let text = segment.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.filter({ $0 == "\"" }).count % 2 == 0 else { return nil }
        guard let equals = text.firstIndex(of: "=") else {
            let bare = text.uppercased()
            return VCardParameter(name: bareEncodings.contains(bare) ? "ENCODING" : "TYPE", values: [text])
        }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces).uppercased()
        let rawValue = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !rawValue.isEmpty, !name.contains(where: { $0 == "\"" || $0 == " " }) else { return nil }
        guard name == "TYPE" else {
            let quoted = rawValue.count >= 2 && rawValue.hasPrefix("\"") && rawValue.hasSuffix("\"")
            return VCardParameter(name: name, values: [quoted ? String(rawValue.dropFirst().dropLast()) : rawValue])
        }
        // `TYPE="work,voice"` and `TYPE=work,voice` alike.
        let values = rawValue.filter { $0 != "\"" }.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        return VCardParameter(name: name, values: values.filter { !$0.isEmpty })
    }

    /// Splits on a separator outside double quotes.
    private static func split(_ text: String, separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == separator, !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}
