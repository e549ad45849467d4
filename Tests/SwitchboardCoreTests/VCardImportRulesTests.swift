import Foundation
import Testing

@testable import SwitchboardCore

@Suite("vCard import: what the contact rules would refuse goes to the notes")
struct VCardImportRulesTests {
    @Test(
        "an undialable number, an implausible e-mail, a birthday that is no date and a bad short code are kept in the notes"
    )
    func salvaged() throws {
        // given
        let text = """
            BEGIN:VCARD\r
            VERSION:3.0\r
            FN:Anne Martin\r
            N:Martin;Anne;;;\r
            NOTE:Met at the fair\r
            TEL;TYPE=WORK:+33 1 23 45 67 89\r
            TEL;TYPE=HOME:ask reception\r
            EMAIL;TYPE=WORK:anne.martin@example.com\r
            EMAIL;TYPE=HOME:anne at home\r
            BDAY:next spring\r
            X-SWITCHBOARD-SHORTCODE:12ab\r
            END:VCARD\r

            """
        let card = try #require(VCardReader.read(Data(text.utf8)).cards.first)
        // when
        let (contact, notices) = VCardImportRules.importable(card)
        // then
        #expect(contact.phones == [PhoneEntry(type: .business, number: "+33 1 23 45 67 89")])
        #expect(contact.emails == [EmailEntry(type: .business, address: "anne.martin@example.com")])
        #expect(contact.birthday == nil && contact.shortCode == nil)
        // (The reader itself keeps a birthday that is not a date.)
        #expect(
            contact.notes?.components(separatedBy: "\n") == [
                "Met at the fair", "BDAY: next spring", "TEL: ask reception", "EMAIL: anne at home",
                "X-SWITCHBOARD-SHORTCODE: 12ab",
            ])
        #expect(notices.contains(.keptInNotes(property: "TEL", value: "ask reception")))
        #expect(notices.contains(.keptInNotes(property: "EMAIL", value: "anne at home")))
        #expect(notices.contains(.keptInNotes(property: "X-SWITCHBOARD-SHORTCODE", value: "12ab")))
        #expect(throws: Never.self) { try ContactRules.normalized(contact) }
    }

    @Test("a number with an extension is kept whole: nothing goes to the notes")
    func extensions() throws {
        for written in ["+33 4 72 00 00 01 ext. 204", "+1 555 123 4567 x204", "01 23 45 67 89, ext 12"] {
            let card = VCardCard(
                contact: Contact(displayName: "Desk", phones: [PhoneEntry(type: .business, number: written)]), line: 1)
            let (contact, notices) = VCardImportRules.importable(card)
            #expect(contact.phones == [PhoneEntry(type: .business, number: written)])
            #expect(contact.notes == nil && notices.isEmpty)
        }
    }

    @Test("a clean card passes unchanged")
    func unchanged() throws {
        let contact = Contact(
            firstName: "Bert", lastName: "Beta", birthday: "--04-23", shortCode: "123",
            phones: [PhoneEntry(type: .mobile, number: "06 12 34 56 78", preferred: true)])
        let card = VCardCard(contact: contact, line: 1)
        let (result, notices) = VCardImportRules.importable(card)
        #expect(result == contact && notices.isEmpty)
    }
}
