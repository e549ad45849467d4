import Foundation

/// Tolerant reading of telephone numbers as people type or paste them:
/// "+33 1 23 45 67 89", "0033 (0)1-23.45.67.89", "01 23 45 67 89", "*31#".
public enum PhoneNumber {
    /// Digits, with `+` for an international number (`00` prefix turned into `+`), and the
    /// keypad's `*` and `#` kept. `nil` when it is not a number (letters, no digit or more than 20).
    public static func normalized(_ raw: String) -> String? {
        guard var result = cleaned(raw) else { return nil }
        if result.hasPrefix("00") { result = "+" + result.dropFirst(2) }
        return result
    }

    /// What a phone dials for a number on file: `normalized`, and for a number with an extension the main number, a
    /// pause and the extension ("(111) 555-1212 x123" → "1115551212,123"): a comma is the pause every desk phone,
    /// smartphone and PBX dial string knows. `nil` when the text is not a number.
    public static func dialable(_ raw: String) -> String? {
        if let number = normalized(raw) { return number }
        guard let parts = withExtension(raw), let main = normalized(parts.main) else { return nil }
        return main + "," + parts.extension
    }

    /// A number followed by an extension, as address books write it: "+1 418-656-9254 ext. 102", "(111) 555-1212
    /// x123", "01 23 45 67 89 poste 204", "tel:+1-418-656-9254;ext=102" (RFC 3966), or a pause and the digits to dial
    /// once answered ("+33 1 23 45 67 89 p204", "…w204", "…,,204"). `nil` when there is no extension, or what precedes
    /// it is not a number. (A number with its direct-dial digits run on, "+49 40 6432131-550", is one number.)
    public static func withExtension(_ raw: String) -> (main: String, extension: String)? {
        var text = Substring(raw.trimmed)
        if text.lowercased().hasPrefix("tel:") {
            text = text.dropFirst(4)
            let parameters = text.split(separator: ";")
            guard let first = parameters.first, cleaned(String(first)) != nil else { return nil }
            for parameter in parameters.dropFirst() where parameter.lowercased().hasPrefix("ext=") {
                let digits = parameter.dropFirst(4)
                guard (1...8).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { return nil }
                return (String(first), String(digits))
            }
            return nil
        }
        // The main number ends at the first letter, comma or semicolon.
        guard let end = text.firstIndex(where: { $0.isLetter || $0 == "," || $0 == ";" }) else { return nil }
        let main = text[..<end].trimmingCharacters(in: .whitespaces)
        guard cleaned(main) != nil else { return nil }
        var rest = Substring(text[end...].lowercased())
        // Pauses (",", ";"), then a word ("ext.", "x", "poste") or more pauses ("pp", "ww"), then the digits.
        let pauses = rest.prefix { " ,;".contains($0) }
        rest = rest.dropFirst(pauses.count)
        let words = ["extension", "ext.", "ext", "poste", "apparat", "durchwahl", "x", "p", "w"]
        let word = words.first { rest.hasPrefix($0) }
        guard word != nil || pauses.contains(where: { $0 != " " }) else { return nil }
        // A bare pause follows a full number (seven digits or more): "125.000,00" is an amount, not 125000 then 00.
        guard word != nil || main.filter(\.isASCIIDigit).count >= 7 else { return nil }
        rest = rest.dropFirst(word?.count ?? 0).drop { " .:=,;pw".contains($0) }
        let digits = rest.trimmingCharacters(in: .whitespaces)
        guard (1...8).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return (main, digits)
    }

    /// Like `normalized` but keeps the number's prefixes as written ("00…" stays): for a
    /// `DialPlan`, which knows what the prefixes mean here.
    public static func cleaned(_ raw: String) -> String? {
        var text = raw.trimmed
        // "+33 (0)1 …": the "(0)" is the national trunk prefix, not dialled from abroad.
        if text.hasPrefix("+") || text.hasPrefix("00"), text.containsBytes("(0)") {
            text = text.replacingOccurrences(of: "(0)", with: "")
        }
        return cleanedASCII(text) ?? cleanedScalars(text)
    }

    /// What `cleaned` keeps of `text`, scalar by scalar (a CSV import cleans every number of every row): a digit
    /// carrying a combining mark or a keycap is not a digit here.
    static func cleanedScalars(_ text: String) -> String? {
        var result = ""
        var digits = 0
        for (index, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9":
                digits += 1
                result.unicodeScalars.append(scalar)
            case "*", "#":
                result.unicodeScalars.append(scalar)
            case "+" where index == 0:
                result.unicodeScalars.append(scalar)
            case " ", "-", ".", "/", "(", ")", "\u{00A0}":
                continue
            default:
                return nil
            }
        }
        return (1...20).contains(digits) ? result : nil
    }

    /// `cleanedScalars` of an ASCII text (nearly every number), byte by byte; `nil` when the text is not ASCII, or
    /// not a number — then `cleanedScalars` decides, and says the same for the latter.
    static func cleanedASCII(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard bytes.count <= 64, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            var digits = 0
            let result = String(unsafeUninitializedCapacity: bytes.count) { output in
                var count = 0
                for (index, byte) in bytes.enumerated() {
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"):
                        digits += 1
                    case UInt8(ascii: "*"), UInt8(ascii: "#"):
                        break
                    case UInt8(ascii: "+") where index == 0:
                        break
                    case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "("),
                        UInt8(ascii: ")"):
                        continue
                    default:
                        digits = -1
                        return 0
                    }
                    output[count] = byte
                    count += 1
                }
                return count
            }
            return (1...20).contains(digits) ? result : nil
        }
    }
}

extension Character {
    /// 0–9 (not the other scripts' digits `isNumber` also takes).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
