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
