import Foundation
import Testing

@testable import SwitchboardCore

@Suite("vCard broken input")
struct VCardBrokenInputTests {
    @Test("a quoted-printable soft break before a property line does not swallow it (END:VCARD least of all)")
    func softBreakBeforeEnd() {
        let text =
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Martin;Zo=C3=A9\r\nNOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9=\r\n"
            + "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:Durand=\r\nTEL:0612345678\r\n"
            + "NOTE;ENCODING=QUOTED-PRINTABLE:line one=\r\nline: two\r\nEND:VCARD\r\n"
        let result = VCardReader.read(Data(text.utf8))
        #expect(result.cards.count == 2)
        #expect(result.problems.isEmpty)
        #expect(result.cards.first?.contact.notes == "café")
        #expect(result.cards.last?.contact.lastName == "Durand")
        #expect(result.cards.last?.contact.phones.first?.number == "0612345678")
        // Text after a soft break that is no property still continues the value.
        #expect(result.cards.last?.contact.notes == "line oneline: two")
    }

    @Test("every fault is reported with its line, and every card with a name is kept")
    func brokenFile() throws {
        // given a file with a stray header, a missing END, a line without colon, bad parameters,
        // a bad photo, a stray END, a card without a name and a last card cut short
        let result = try VCardFixture.read("broken.vcf")
        // then
        #expect(
            result.cards.map(\.contact.resolvedDisplayName) == [
                "Alice Good", "End Missing", "Carol Colon", "Dave Last",
            ])
        #expect(result.cards.map(\.line) == [2, 8, 12, 26])
        #expect(
            result.problems == [
                VCardProblem(line: 1, kind: .outsideCard),
                VCardProblem(line: 8, kind: .missingEnd),
                VCardProblem(line: 15, kind: .missingColon),
                VCardProblem(line: 16, kind: .malformedParameter("TYPE=\"work")),
                VCardProblem(line: 17, kind: .malformedParameter("")),
                VCardProblem(line: 18, kind: .malformedPhoto),
                VCardProblem(line: 20, kind: .outsideCard),
                VCardProblem(line: 22, kind: .nameMissing),
                VCardProblem(line: 26, kind: .missingEnd),
            ])
        let carol = result.cards[2]
        #expect(carol.photo == nil)
        #expect(
            carol.contact.phones == [
                PhoneEntry(type: .other, number: "+33 3 33 33 33 33"),
                PhoneEntry(type: .mobile, number: "06 33 33 33 33"),
            ])
        #expect(result.cards[1].contact.phones.first?.number == "06 22 22 22 22")
    }

    @Test("bytes that are not a vCard give no card and one problem")
    func notAVCard() {
        let result = VCardReader.read(Data((0...255).map(UInt8.init) + Array("\n\u{1}garbage\r\n".utf8)))
        #expect(result.cards.isEmpty)
        #expect(result.problems == [VCardProblem(line: 1, kind: .outsideCard)])
        #expect(VCardReader.read(Data()).cards.isEmpty)
    }

    @Test(arguments: [
        "BEGIN:VCARD", "BEGIN:VCARD\nEND:VCARD", "END:VCARD", ":\n;\n=\n",
        "BEGIN:VCARD\nN;=;TYPE=\"\";\"=x:A\nEND:VCARD",
        "BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:=\n", "BEGIN:VCARD\nPHOTO:data:image/png;base64,@@\nEND:VCARD",
        "BEGIN:VCARD\nPHOTO;ENCODING=BASE64:\n\nFN:x\nBDAY:2023-02-30\nTEL;VALUE=uri:tel:\nEND:VCARD",
        "\u{FEFF}BEGIN:VCARD\r\n\tFN:x\\", "BEGIN:VCARD\nFN:A\\\nEND:VCARD",
    ])
    func oddInputNeverCrashes(text: String) {
        let result = VCardReader.read(Data(text.utf8))
        #expect(result.cards.count + result.problems.count > 0)
    }

    @Test("a photo that is not base64 is reported and the card kept without it")
    func malformedPhoto() {
        let text = "BEGIN:VCARD\nVERSION:2.1\nN:Doe;John\nPHOTO;ENCODING=BASE64;JPEG:/9j/4AAQ\n SkZJR*?\n\nEND:VCARD\n"
        let result = VCardReader.read(Data(text.utf8))
        #expect(result.cards.map(\.contact.lastName) == ["Doe"])
        #expect(result.cards.first?.photo == nil)
        #expect(result.problems == [VCardProblem(line: 4, kind: .malformedPhoto)])
    }
}
