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
}
