import Testing

@testable import SwitchboardCore

@Suite("Numbers shown grouped the way their country writes them")
struct NumberDisplayTests {
    let france = NumberDisplay(dialPlan: DialPlan())

    @Test(arguments: [
        ("+33698765432", "+33 6 98 76 54 32"),
        // Written the national way, it stays national; with a prefix from abroad, international.
        ("0478000002", "04 78 00 00 02"),
        // Written nationally with its own grouping: as written (it may be a foreign number without its country code).
        ("04.78.00.00.02", "04.78.00.00.02"),
        ("03-1234-5678", "03-1234-5678"),
        ("+33 (0)4 78 00 00 02", "+33 4 78 00 00 02"),
        ("0033 4.78.00.00.02", "+33 4 78 00 00 02"),
        ("+442079460000", "+44 20 7946 0000"),
        ("+14186569254", "+1 418-656-9254"),
        // Direct-dial digits after a hyphen stay apart.
        ("+49 40 6432131-550", "+49 40 6432131-550"),
        ("+49406432131550", "+49 40 6432131550"),
    ])
    func grouped(stored: String, shown: String) {
        #expect(france.text(stored, extensionWord: "ext.") == shown)
    }

    @Test("an extension is kept, after the language's word")
    func extensions() {
        #expect(france.text("+1 418-656-9254 ext. 102", extensionWord: "ext.") == "+1 418-656-9254 ext. 102")
        #expect(france.text("tel:+1-418-656-9254;ext=102", extensionWord: "ext.") == "+1 418-656-9254 ext. 102")
        #expect(france.text("0123456789 poste 204", extensionWord: "poste") == "01 23 45 67 89 poste 204")
        #expect(france.text("+33 1 23 45 67 89 p204", extensionWord: "ext.") == "+33 1 23 45 67 89 ext. 204")
    }

    @Test("what is not a valid outside number is shown as stored")
    func asStored() {
        for stored in ["204", "*31#", "+33 12", "0800 HELLO", "not a number", "+999 123 456 789"] {
            #expect(france.text(stored, extensionWord: "ext.") == stored)
        }
    }

    @Test("a national number is read by the installation's dial plan")
    func nationalElsewhere() {
        let us = NumberDisplay(dialPlan: DialPlan(countryCode: "1", trunkPrefix: "1", internationalPrefix: "011"))
        #expect(us.text("4186569254", extensionWord: "ext.") == "(418) 656-9254")
        #expect(us.text("06 98 76 54 32", extensionWord: "ext.") == "06 98 76 54 32")
        #expect(us.text("011 33 6 98 76 54 32", extensionWord: "ext.") == "+33 6 98 76 54 32")
    }
}
