import Foundation
import Testing

@testable import SwitchboardCore

/// The stdlib trims, folding and CSV writing that replaced Foundation calls on the import and export paths give
/// exactly what the Foundation calls gave.
@Suite("Text fast paths agree with Foundation")
struct TextFastPathTests {
    static let samples: [String] = [
        "", " ", "\t", "\n", "\r\n", "Anne", " Anne ", "\tAnne\n", "\u{00A0}Anne\u{3000}", "\u{2028}x\u{2029}",
        "\u{85}x\u{0B}\u{0C}", " \u{301}e", "e\u{301} ", "\u{200B}x", "\u{FEFF}x", "x\u{1680}",
        "\u{2000}\u{200A}x\u{202F}\u{205F}",
        "Émile Zola", "  Jean-Pierre  d'Arc  ", "👩‍👩‍👧 ", " 👍🏽", "\r", "a\r\nb", "\u{180E}x",
    ]

    @Test("trimmed and trimmedSpaces are Foundation's whitespacesAndNewlines and whitespaces trims")
    func trims() {
        for text in Self.samples {
            #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
            #expect(text.trimmedSpaces == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
        }
        // Every scalar of the Basic Multilingual Plane, alone and around a letter.
        var differing: [String] = []
        for value in 0..<0x1_0000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)a\(scalar)"
            if text.trimmed != text.trimmingCharacters(in: .whitespacesAndNewlines)
                || text.trimmedSpaces != text.trimmingCharacters(in: .whitespaces)
            {
                differing.append(String(value, radix: 16))
            }
        }
        #expect(differing == [])
    }

    @Test("digits and name words: ASCII without Unicode properties, the same as with them")
    func digitsAndWords() {
        for text in Self.samples + ["+33 (0)1 23-45", "1\u{301}2", "٣4", "５6", "Jean-Pierre d'Arc 2", "a_b c.d"] {
            #expect(SearchFolding.digits(text) == text.filter { $0.isASCII && $0.isNumber }, "\(text.debugDescription)")
        }
        for value in UInt32(0)..<128 {
            let scalar = Unicode.Scalar(value)!
            let joins = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            #expect(SearchFolding.words(ofFolded: "x\(scalar)y") == (joins ? ["x\(scalar)y"] : ["x", "y"]), "\(value)")
        }
        #expect(
            SearchFolding.words(ofFolded: "jean-pierre d'arc 2 émile") == ["jean", "pierre", "d", "arc", "2", "émile"])
    }

    @Test("folding ASCII without Foundation gives Foundation's folding")
    func asciiFolding() {
        let ascii = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        let foundation = ascii.folding(
            options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        #expect(SearchFolding.fold(ascii) == foundation)
        for byte in UInt8(0)..<128 {
            let text = "Ab" + String(UnicodeScalar(byte)) + "Z"
            #expect(
                SearchFolding.fold(text)
                    == text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil),
                "\(byte)")
        }
        #expect(SearchFolding.fold("Œuvre Straße ÆØ Łódź") == "oeuvre strasse aeo lodz")
        // Latin text folded from the table: every scalar of the range around letters, then random text.
        var differing: [String] = []
        for value in SearchFolding.latinRange {
            let text = "Ab\(Unicode.Scalar(value)!)Z"
            if SearchFolding.fold(text) != SearchFolding.foundationFolded(text) {
                differing.append(String(value, radix: 16))
            }
        }
        #expect(differing == [])
        let pool =
            Array(0x20..<0x7F).map { Unicode.Scalar(UInt32($0))! }
            + SearchFolding.latinRange.map { Unicode.Scalar($0)! }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...16, using: &generator) {
                text.append(pool.randomElement(using: &generator)!)
            }
            let string = String(text)
            #expect(SearchFolding.fold(string) == SearchFolding.foundationFolded(string), "\(string.debugDescription)")
        }
        #expect(SearchFolding.latinFolded("e\u{301}") == nil && SearchFolding.fold("E\u{301}") == "e")
        #expect(SearchFolding.fold("ÉMILE") == "emile")
    }

    @Test("a record is written as before: quoted when it holds the delimiter, a quote or a line break")
    func records() {
        let cells = ["Anne", "a;b", "say \"hi\"", "two\nlines", "cr\rhere", "", "+33 1 23", "é, ü", "a,b"]
        #expect(
            CSVWriter.record(cells, delimiter: .semicolon)
                == "Anne;\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\";\"cr\rhere\";;+33 1 23;é, ü;a,b\r\n")
        #expect(
            CSVWriter.record(cells, delimiter: .comma)
                == "Anne,a;b,\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",,+33 1 23,\"é, ü\",\"a,b\"\r\n")
        #expect(CSVWriter.record(["a", "b"], delimiter: .tab) == "a\tb\r\n")
    }

    @Test("several values in a cell: one per line or Google's ' ::: ', trimmed, empty ones dropped")
    func values() {
        #expect(CSVMapping.values(" +33 1 23 ") == ["+33 1 23"])
        #expect(CSVMapping.values("   ") == [])
        #expect(CSVMapping.values("a ::: b") == ["a", "b"])
        #expect(CSVMapping.values("a\n\n b \r\nc") == ["a", "b", "c"])
        #expect(CSVMapping.values("a\u{0B}b") == ["a", "b"])
        #expect(CSVMapping.values("10:30") == ["10:30"])
        #expect(PhoneNumber.normalized("+33 (0)1 23 45 67 89") == "+33123456789")
        #expect(PhoneNumber.normalized(" 01 23 45 67 89\n") == "0123456789")
    }

    /// `PhoneNumber.cleaned` as it was, character by character.
    private static func cleanedByCharacter(_ raw: String) -> String? {
        var text = raw.trimmed
        if text.hasPrefix("+") || text.hasPrefix("00"), text.contains("(0)") {
            text = text.replacingOccurrences(of: "(0)", with: "")
        }
        var result = ""
        for (index, character) in text.enumerated() {
            switch character {
            case "0"..."9", "*", "#": result.append(character)
            case "+" where index == 0: result.append(character)
            case " ", "-", ".", "/", "(", ")", "\u{00A0}": continue
            default: return nil
            }
        }
        let digits = result.filter(\.isNumber).count
        return (1...20).contains(digits) ? result : nil
    }

    @Test("numbers checked scalar by scalar are judged as character by character")
    func scalarChecks() {
        var generator = SystemRandomNumberGenerator()
        let numberPool: [String] = [
            "0", "1", "5", "9", "+", "*", "#", " ", "-", ".", "/", "(", ")", "\u{00A0}", "a", "x", "é", "０", "٣", "\t",
            "\n", "\u{3000}", "(0)",
        ]
        for _ in 0..<5_000 {
            let number = (0..<Int.random(in: 0...24, using: &generator))
                .map { _ in numberPool.randomElement(using: &generator)! }.joined()
            #expect(PhoneNumber.cleaned(number) == Self.cleanedByCharacter(number), "\(number.debugDescription)")
        }
        for number in ["+33 1 23 45 67 89", "0033 (0)1-23.45.67.89", "*31#", "01\u{00A0}23", "+", "1+2", ""] {
            #expect(PhoneNumber.cleaned(number) == Self.cleanedByCharacter(number))
        }
        // The one difference: a digit with a combining mark or a keycap is no longer read as that digit.
        #expect(PhoneNumber.cleaned("01 2\u{0301}3") == nil && Self.cleanedByCharacter("01 2\u{0301}3") != nil)
        #expect(PhoneNumber.cleaned("5\u{FE0F}\u{20E3}") == nil)
    }
}
