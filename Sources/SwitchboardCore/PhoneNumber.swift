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
        // Scalar by scalar (a CSV import cleans every number of every row): a digit carrying a combining mark
        // or a keycap is not a digit here.
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
}
