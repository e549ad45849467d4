import Foundation
import Testing

@testable import SwitchboardCore

/// The byte-level helpers of the vCard reader give what the Foundation and `Character` code they
/// replaced gave, including on the odd inputs where reading bytes and reading characters differ.
@Suite("vCard text helpers")
struct VCardTextTests {
    @Test("trimming uses Foundation's character sets, scalar by scalar")
    func trimmingMatchesFoundation() {
        // Every scalar of the basic plane around a letter, alone and in runs.
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)\(scalar)a\(scalar)b\(scalar)"
            #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(
                WhitespaceTrimming.trimmed(text, newlines: false) == text.trimmingCharacters(in: .whitespaces))
        }
        for text in ["", " ", "\u{3000}\u{A0} \t\n", " \u{301}a ", "a\u{200B}", "😀 ", " 日本 ", "\r\n x \u{2029}"] {
            #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(WhitespaceTrimming.trimmed(text, newlines: false) == text.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test("unescaping reads characters where a mark joins a backslash or what it escapes")
    func unescapingAroundMarks() {
        #expect(VCardValue.unescaped("a\\nb\\,c\\;d\\:e\\\\f\\x") == "a\nb,c;d:e\\f\\x")
        #expect(VCardValue.unescaped("Gen\\,\u{E8}ve \\n\u{E9}") == "Gen,\u{E8}ve \n\u{E9}")
        // `\` + U+0301 is one character, not an escape; `n` + U+0301 is not the letter n.
        let markedBackslash = "a\\" + "\u{301}n"
        #expect(VCardValue.unescaped(markedBackslash) == markedBackslash)
        #expect(VCardValue.unescaped("a\\n\u{301}") == "a\\n\u{301}")
        let path = #"C:\Users\"#
        #expect(VCardValue.unescaped(path) == path)
    }

    @Test("structured values split on a semicolon only when it is a character of its own")
    func componentsAroundMarks() {
        #expect(
            VCardValue.trimmedComponents(" M\u{FC}ller ;\u{C9}mile;;\\;x;") == [
                "M\u{FC}ller", "\u{C9}mile", "", ";x", "",
            ])
        // U+0301 after `;`, and U+0600 (a prepended mark) before it, make one character with it.
        #expect(VCardValue.trimmedComponents("a;\u{301}b;c") == ["a;\u{301}b", "c"])
        #expect(VCardValue.trimmedComponents("a\u{600};b;c") == ["a\u{600};b", "c"])
        #expect(VCardValue.trimmedComponents("日本;語") == ["日本", "語"])
    }

    @Test("case-insensitive comparisons agree with uppercased() and lowercased()")
    func caseComparisons() {
        #expect("quoted-printable".uppercasedEquals("QUOTED-PRINTABLE"))
        #expect(!"quoted-printabl".uppercasedEquals("QUOTED-PRINTABLE"))
        // Dotless ı upper-cases to I.
        #expect("quoted-prıntable".uppercasedEquals("QUOTED-PRINTABLE"))
        #expect("TEL:+33".lowercasedHasPrefix("tel:") && !"TE:".lowercasedHasPrefix("tel:"))
        // A mark after the prefix joins its last character.
        #expect(!"tel:\u{301}1".lowercasedHasPrefix("tel:"))
        #expect("tel:\u{E9}".lowercasedHasPrefix("tel:"))
        // The Kelvin sign lower-cases to k: "WOR\u{212A}" is the type work.
        #expect(VCardTypes(word: "WOR\u{212A}") == .work && VCardTypes(word: "Cell") == .cell)
        #expect(VCardTypes(word: "voice") == [] && VCardTypes(word: "workk") == [])
    }

    @Test("UTF-8 is checked as Foundation does: one leading byte order mark dropped, else Windows-1252")
    func utf8OrWindows1252() {
        #expect(VCardCharset.utf8OrWindows1252([0xEF, 0xBB, 0xBF, 0x41][...]) == "A")
        #expect(VCardCharset.utf8OrWindows1252([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF][...]) == "\u{FEFF}")
        #expect(VCardCharset.utf8OrWindows1252([0x43, 0x61, 0x66, 0xC3, 0xA9][...]) == "Café")
        #expect(VCardCharset.utf8OrWindows1252([0x43, 0x61, 0x66, 0xE9, 0x80][...]) == "Café€")
        // A surrogate, an overlong form, a lone continuation byte: not UTF-8.
        #expect(VCardCharset.utf8OrWindows1252([0xED, 0xA0, 0x80][...]) == "í\u{A0}€")
        #expect(VCardCharset.utf8OrWindows1252([0xC0, 0x80][...]) == "À€")
        #expect(VCardCharset.utf8OrWindows1252([0xEF, 0xBF, 0xBD, 0xBD][...]) == "ï¿½½")
    }

    @Test("a folded line is joined, an unfolded one is read in place")
    func foldedAndPlainLines() throws {
        let text =
            "BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=\r\n=A9=0D=0Aligne\r\n"
            + "TEL;TY\r\n PE=work;PREF:1\r\nitem1.TEL:2\r\nitem1.X-ABLabel:_$!<HomeFAX>!$_\r\nEND:VCARD\r\n"
        let card = try #require(VCardReader.read(Data(text.utf8)).cards.first)
        #expect(card.contact.notes == "café\nligne")
        #expect(
            card.contact.phones == [
                PhoneEntry(type: .business, number: "1", preferred: true), PhoneEntry(type: .privateFax, number: "2"),
            ])
    }
}
