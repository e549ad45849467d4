import Foundation

/// One `[group.]NAME;PARAM=…:value` line, split but with its value still encoded.
struct VCardProperty {
    var group: String?
    /// Upper-cased.
    var name: String
    var parameters: [VCardParameter]
    /// A slice of the file (or of the joined line when it was folded).
    var value: ArraySlice<UInt8>
    var line: Int

    /// The `TYPE` values, whether written `TYPE=a,b`, `TYPE=a;TYPE=b` or bare (2.1 `TEL;WORK;VOICE`).
    var types: VCardTypes {
        var types: VCardTypes = []
        for parameter in parameters where parameter.name == "TYPE" {
            types.formUnion(VCardTypes(word: parameter.value))
        }
        return types
    }

    /// The value of the first parameter so named (not used for `TYPE`, which may have several).
    func parameter(_ name: String) -> String? { parameters.first { $0.name == name }?.value }
}

/// One parameter value: `TYPE=work,voice` is two of them, `TYPE=work` and `TYPE=voice`.
struct VCardParameter: Equatable {
    /// Upper-cased.
    var name: String
    var value: String
}

enum VCardPropertyParser {
    /// The name and parameters before the colon.
    private struct Head {
        var group: String?
        var name: String
        var parameters: [VCardParameter] = []
        /// Parameters that cannot be read, as written.
        var malformed: [String] = []
    }

    /// The property, or `nil` when the line has no name or no colon; parameters that cannot be read
    /// are left out and returned as problems.
    static func parse(_ line: VCardLine) -> (property: VCardProperty?, problems: [VCardProblem]) {
        let bytes = line.bytes
        guard let colonIndex = nameEnd(bytes) ?? bytes.firstIndex(of: 0x3A) else {
            return (nil, [VCardProblem(line: line.number, kind: .missingColon)])
        }
        let headBytes = bytes[..<colonIndex]
        // Nearly every head is ASCII, read byte by byte; any other goes through `String`.
        let head =
            headBytes.allSatisfy({ $0 < 0x80 })
            ? headBytes.withUnsafeBufferPointer(asciiHead)
            : textHead(VCardCharset.utf8OrWindows1252(headBytes))
        guard let head else { return (nil, [VCardProblem(line: line.number, kind: .missingColon)]) }
        let property = VCardProperty(
            group: head.group, name: head.name, parameters: head.parameters, value: bytes[(colonIndex + 1)...],
            line: line.number)
        return (property, head.malformed.map { VCardProblem(line: line.number, kind: .malformedParameter($0)) })
    }

    /// The index of the colon that ends the name and parameters: the first one outside double quotes.
    static func nameEnd(_ bytes: ArraySlice<UInt8>) -> Int? {
        var quoted = false
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == 0x22 { quoted.toggle() }
            if byte == 0x3A, !quoted { return index }
        }
        return nil
    }

    // MARK: ASCII heads, on bytes

    private static let quote: UInt8 = 0x22
    private static let semicolon: UInt8 = 0x3B
    private static let quotedPrintable = "QUOTED-PRINTABLE"
    private static let asciiBareEncodings: [StaticString] = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"]

    /// The same reading as `textHead`, for a head of ASCII bytes, where each character is one byte.
    private static func asciiHead(_ head: UnsafeBufferPointer<UInt8>) -> Head? {
        // The name ends at the first `;` (outside quotes, as every segment).
        var quoted = false
        var end = 0
        while end < head.count, head[end] != semicolon || quoted {
            if head[end] == quote { quoted.toggle() }
            end += 1
        }
        let fullName = trimmed(head, 0..<end)
        let dot = head[fullName].firstIndex(of: 0x2E)
        let nameRange = dot.map { ($0 + 1)..<fullName.upperBound } ?? fullName
        guard !nameRange.isEmpty else { return nil }
        var result = Head(
            group: dot.map { string(head, fullName.lowerBound..<$0) }, name: uppercased(head, nameRange))
        if end < head.count {
            // One parameter per `;` or `,` at most: one allocation.
            result.parameters.reserveCapacity(head[end...].count(where: { $0 == semicolon || $0 == 0x2C }))
        }
        while end < head.count {
            let start = end + 1
            end = start
            while end < head.count, head[end] != semicolon || quoted {
                if head[end] == quote { quoted.toggle() }
                end += 1
            }
            if !asciiParameter(head, start..<end, into: &result.parameters) {
                result.malformed.append(string(head, start..<end))
            }
        }
        return result
    }

    /// Appends the parameter in `segment`; false when it cannot be read.
    private static func asciiParameter(
        _ head: UnsafeBufferPointer<UInt8>, _ segment: Range<Int>, into parameters: inout [VCardParameter]
    ) -> Bool {
        let text = trimmed(head, segment)
        guard !text.isEmpty, head[text].count(where: { $0 == quote }) % 2 == 0 else { return false }
        guard let equals = head[text].firstIndex(of: 0x3D) else {
            let bare = UnsafeBufferPointer(rebasing: head[text])
            let isEncoding = asciiBareEncodings.contains { VCardText.equalsIgnoringASCIICase(bare, $0) }
            parameters.append(VCardParameter(name: isEncoding ? "ENCODING" : "TYPE", value: string(head, text)))
            return true
        }
        let nameRange = trimmed(head, text.lowerBound..<equals)
        let valueRange = trimmed(head, (equals + 1)..<text.upperBound)
        guard !nameRange.isEmpty, !valueRange.isEmpty, !head[nameRange].contains(where: { $0 == quote || $0 == 0x20 })
        else { return false }
        let name = uppercased(head, nameRange)
        guard name == "TYPE" else {
            let quotedValue =
                valueRange.count >= 2 && head[valueRange.first!] == quote && head[valueRange.last!] == quote
            let inner = quotedValue ? (valueRange.lowerBound + 1)..<(valueRange.upperBound - 1) : valueRange
            let value = UnsafeBufferPointer(rebasing: head[inner])
            // Spelt as most files do, without allocating a string of more than 15 bytes each time.
            let common = value.elementsEqual("QUOTED-PRINTABLE".utf8) ? quotedPrintable : nil
            parameters.append(VCardParameter(name: name, value: common ?? string(head, inner)))
            return true
        }
        // `TYPE="work,voice"` and `TYPE=work,voice` alike: quotes dropped, split on commas, each trimmed.
        guard head[valueRange].contains(quote) else {
            appendTypes(UnsafeBufferPointer(rebasing: head[valueRange]), into: &parameters)
            return true
        }
        head[valueRange].filter { $0 != quote }.withUnsafeBufferPointer { appendTypes($0, into: &parameters) }
        return true
    }

    private static func appendTypes(_ value: UnsafeBufferPointer<UInt8>, into parameters: inout [VCardParameter]) {
        var start = 0
        for index in 0...value.count where index == value.count || value[index] == 0x2C {
            let part = trimmed(value, start..<index)
            if !part.isEmpty { parameters.append(VCardParameter(name: "TYPE", value: string(value, part))) }
            start = index + 1
        }
    }

    /// `range` without the spaces and tabs at its ends (`.whitespaces`, restricted to ASCII).
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return lower..<upper
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private static func uppercased(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        VCardText.asciiUppercased(UnsafeBufferPointer(rebasing: bytes[range]))
    }

    // MARK: Other heads, as text

    /// Bare 2.1 parameters that name an encoding rather than a type.
    private static let bareEncodings: Set<String> = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"]

    private static func textHead(_ head: String) -> Head? {
        var segments = split(head, separator: ";")
        let fullName = segments.removeFirst().trimmingCharacters(in: .whitespaces)
        let nameParts = fullName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(nameParts.last ?? "").uppercased()
        guard !name.isEmpty else { return nil }
        var result = Head(group: nameParts.count == 2 ? String(nameParts[0]) : nil, name: name)
        for segment in segments where !parameter(segment, into: &result.parameters) {
            result.malformed.append(segment)
        }
        return result
    }

    private static func parameter(_ segment: String, into parameters: inout [VCardParameter]) -> Bool {
        let text = segment.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.filter({ $0 == "\"" }).count % 2 == 0 else { return false }
        guard let equals = text.firstIndex(of: "=") else {
            let bare = text.uppercased()
            parameters.append(VCardParameter(name: bareEncodings.contains(bare) ? "ENCODING" : "TYPE", value: text))
            return true
        }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces).uppercased()
        let rawValue = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !rawValue.isEmpty, !name.contains(where: { $0 == "\"" || $0 == " " }) else { return false }
        guard name == "TYPE" else {
            let quoted = rawValue.count >= 2 && rawValue.hasPrefix("\"") && rawValue.hasSuffix("\"")
            parameters.append(
                VCardParameter(name: name, value: quoted ? String(rawValue.dropFirst().dropLast()) : rawValue))
            return true
        }
        // `TYPE="work,voice"` and `TYPE=work,voice` alike.
        for value in rawValue.filter({ $0 != "\"" }).split(separator: ",") {
            let type = value.trimmingCharacters(in: .whitespaces)
            if !type.isEmpty { parameters.append(VCardParameter(name: name, value: type)) }
        }
        return true
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
