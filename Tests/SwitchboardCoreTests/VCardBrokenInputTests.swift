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

@Suite("vCard files read a batch at a time")
struct VCardFileBatchesTests {
    /// Every card, notice and problem of `data` with its line, as `batches` of `size` cards give them.
    private func read(_ data: Data, size: Int) -> [String] {
        let batches = Array(VCardReader.batches(data, cards: size))
        return batches.flatMap { batch in batch.cards.map { "\($0.line) \($0.contact) \($0.notices)" } }
            + batches.flatMap { batch in batch.problems.map { "\($0.line) \($0.kind)" } }
    }

    @Test(
        "cut into batches of any size, a file gives what it gives whole: cards, notices, problems and their lines",
        arguments: [
            "broken.vcf", "android-2.1.vcf", "outlook-2.1.vcf", "nokia-blackberry-2.1.vcf", "gmail-3.0.vcf",
            "windows-contacts-utf-16.vcf", "feature-phone-koi8-r-2.1.vcf", "iphone-3.0.vcf",
        ])
    func sameAsWhole(fixture: String) throws {
        let data = try VCardFixture.data(fixture)
        let whole = read(data, size: .max)
        #expect(VCardReader.batches(data, cards: .max).count(where: { _ in true }) == 1)
        #expect(!whole.isEmpty)
        for size in [1, 2, 3, 7] {
            #expect(read(data, size: size) == whole, "batches of \(size)")
        }
    }

    @Test("random files of odd lines (folds, soft breaks, stray text, missing ENDs, any line ending) read the same cut")
    func randomFiles() {
        let pieces = [
            "BEGIN:VCARD", "begin:vcard ", "END:VCARD", "N:Martin;Zoé", "FN:Ann", "TEL:+33 1 23 45 67 89",
            "NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9=", "NOTE;ENCODING=QUOTED-PRINTABLE:a=", " folded", "\tfolded",
            "", "stray text", "NOTE:x", "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ", "AAAA",
        ]
        let breaks = ["\n", "\r\n", "\r\r\n", "\r"]
        var generator = SplitMix64(seed: 18)
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                text += pieces.randomElement(using: &generator)! + breaks.randomElement(using: &generator)!
            }
            let data = Data(text.utf8)
            let whole = read(data, size: .max)
            for size in [1, 2] {
                #expect(read(data, size: size) == whole, "batches of \(size): \(text.debugDescription)")
            }
            // More than none surely-beginning lines means the reader finds a card, or a problem inside one.
            if VCardReader.batches(data).cardCount > 0 {
                let file = VCardReader.read(data)
                #expect(!file.cards.isEmpty || file.problems.contains { $0.kind != .outsideCard })
            }
        }
    }

    @Test(
        "a file is cut only before a BEGIN:VCARD line the reader takes for a card, after a line feed; old Mac files stay whole"
    )
    func cuts() {
        let cards =
            "BEGIN:VCARD\r\nN:One\r\nEND:VCARD\r\nbegin:vcard \nN:Two\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\n"
            + "BEGIN:VCARD\nN:Three\nEND:VCARD\nBEGIN:VCARD\rN:Four\rEND:VCARD\r"
        let batches = Array(VCardReader.batches(Data(cards.utf8), cards: 1))
        // The second card has no END, and its last line is a soft break: the reader drops the `=` before the third's
        // BEGIN, so that line is no cut (the `=` would stay at the end of a batch).
        #expect(batches.map { $0.cards.map(\.contact.lastName) } == [["One"], ["Two", "Three"], ["Four"]])
        #expect(batches.map { $0.cards.map(\.line) } == [[1], [4, 7], [10]])
        #expect(batches[1].cards.first?.contact.notes == "a")
        #expect(batches[1].problems == [VCardProblem(line: 4, kind: .missingEnd)])
        #expect(VCardReader.batches(Data(cards.utf8)).cardCount == 3)
        // A BEGIN:VCARD line continued by a folded line is no card: no cut there either.
        let folded = "BEGIN:VCARD\nFN:A\nBEGIN:VCARD\n X\nFN:B\nEND:VCARD\n"
        #expect(Array(VCardReader.batches(Data(folded.utf8), cards: 1)).map(\.cards.count) == [1])
        let mac = "BEGIN:VCARD\rN:One\rEND:VCARD\rBEGIN:VCARD\rN:Two\rEND:VCARD\r"
        #expect(Array(VCardReader.batches(Data(mac.utf8), cards: 1)).map(\.cards.count) == [2])
    }
}
