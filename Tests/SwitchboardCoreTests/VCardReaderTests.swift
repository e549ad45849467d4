import Foundation
import Testing

@testable import SwitchboardCore

@Suite("vCard reading")
struct VCardReaderTests {
    private func card(_ lines: [String], ending: String = "\r\n") throws -> VCardCard {
        let text = (["BEGIN:VCARD"] + lines + ["END:VCARD"]).joined(separator: ending)
        let result = VCardReader.read(Data(text.utf8))
        #expect(result.problems.isEmpty)
        return try #require(result.cards.first)
    }

    @Test(arguments: ["\r\n", "\n", "\r\r\n", "\r"])
    func lineEndings(ending: String) throws {
        let text = ["BEGIN:VCARD", "N:Doe;Jane", "END:VCARD", "BEGIN:VCARD", "FN:Bob", "END:VCARD"]
            .joined(separator: ending)
        let result = VCardReader.read(Data(text.utf8))
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Jane Doe", "Bob"])
        #expect(result.cards.map(\.line) == [1, 4])
    }

    @Test func byteOrderMarksAndUTF16() {
        let text = "BEGIN:VCARD\r\nFN:Zoë Ødegård\r\nEND:VCARD\r\n"
        let variants: [Data] = [
            Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)),
            Data([0xFE, 0xFF]) + text.data(using: .utf16BigEndian)!,
            Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!,
            text.data(using: .utf16LittleEndian)!,
        ]
        for data in variants {
            #expect(VCardReader.read(data).cards.first?.contact.displayName == "Zoë Ødegård")
        }
    }

    @Test func charsets() throws {
        let latin2 = Data("BEGIN:VCARD\nFN;CHARSET=ISO-8859-2:".utf8) + Data([0xA3, 0xF3, 0x64, 0xBC])
        #expect(VCardReader.read(latin2 + Data("\nEND:VCARD".utf8)).cards.first?.contact.displayName == "Łódź")
        let undeclared =
            Data("BEGIN:VCARD\nFN:Fran".utf8) + Data([0xE7, 0x6F, 0x69, 0x73, 0x80]) + Data("\nEND:VCARD".utf8)
        #expect(VCardReader.read(undeclared).cards.first?.contact.displayName == "François€")
        let unknown = try card(["FN;CHARSET=KOI8-Q:Ivan"])
        #expect(unknown.contact.displayName == "Ivan")
        #expect(unknown.notices == [.unknownCharset("KOI8-Q")])
    }

    @Test func foldingAndQuotedPrintable() throws {
        let folded = try card(["FN:Jean-", "\tBaptiste", "TEL;TY", " PE=CELL:06 01", " 02 03 04"])
        #expect(folded.contact.displayName == "Jean-Baptiste")
        #expect(folded.contact.phones == [PhoneEntry(type: .mobile, number: "06 0102 03 04")])
        let bare = try card([
            "N;QUOTED-PRINTABLE;CHARSET=UTF-8:Ren=C3=A9;=", "Ana=C3=AFs", "NOTE;QUOTED-PRINTABLE:a=3Db",
        ])
        #expect(bare.contact.lastName == "René" && bare.contact.firstName == "Anaïs")
        #expect(bare.contact.notes == "a=b")
    }

    @Test func parameterForms() throws {
        let contact = try card([
            "FN:X", "TEL;TYPE=work,voice:1", "TEL;TYPE=WORK;TYPE=PREF:2", "tel;Type=\"home,fax\":3",
            "TEL;PREF=1;TYPE=cell:4",
            "Tel;Cell;Pref:5", "TEL;TYPE=pager:6", "TEL;FAX:7", "TEL;TYPE=iphone:8", "TEL;HOME:9", "TEL:10",
        ]).contact
        #expect(
            contact.phones == [
                PhoneEntry(type: .business, number: "1"), PhoneEntry(type: .business, number: "2", preferred: true),
                PhoneEntry(type: .privateFax, number: "3"), PhoneEntry(type: .mobile, number: "4"),
                PhoneEntry(type: .mobile, number: "5"), PhoneEntry(type: .other, number: "6"),
                PhoneEntry(type: .businessFax, number: "7"), PhoneEntry(type: .mobile, number: "8"),
                PhoneEntry(type: .private, number: "9"), PhoneEntry(type: .other, number: "10"),
            ])
    }

    @Test func escapesAndStructuredValues() throws {
        let contact = try card([
            "N:O\\;Brien;Se\\,án;;;", "ORG:A\\, B;C\\;D", "NOTE:one\\ntwo\\Nthree\\\\four\\,five\\;six",
            "ADR:PO 7;Apt 2;1 Main St;Cork;;T12;Ireland",
        ]).contact
        #expect(contact.lastName == "O;Brien" && contact.firstName == "Se,án")
        #expect(contact.company == "A, B" && contact.department == "C;D")
        #expect(contact.notes == "one\ntwo\nthree\\four,five;six")
        #expect(
            contact.addresses == [
                PostalAddress(
                    type: .private, street: "1 Main St\nApt 2\nPO 7", postalCode: "T12", city: "Cork",
                    country: "Ireland")
            ])
    }

    @Test(arguments: [
        ("1980-04-23", "1980-04-23"), ("19800423", "1980-04-23"), ("--0423", "--04-23"), ("--04-23", "--04-23"),
        ("1980-04-23T00:00:00Z", "1980-04-23"), ("2000-02-29", "2000-02-29"),
    ])
    func birthdays(text: String, expected: String) throws {
        #expect(try card(["FN:X", "BDAY:\(text)"]).contact.birthday == expected)
    }

    @Test func unreadableBirthdayGoesToTheNotes() throws {
        let card = try card(["FN:X", "BDAY:next Tuesday", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-24"])
        #expect(card.contact.birthday == "--12-24")
        #expect(card.contact.notes == "BDAY: next Tuesday")
        #expect(VCardFields.birthday("1980-13-01") == nil && VCardFields.birthday("1980-04-31") == nil)
    }

    @Test func telephoneURIs() {
        #expect(VCardFields.telephoneNumber(fromURI: "tel:+33-1-23-45-67-89;ext=123") == "+33 1 23 45 67 89 ext. 123")
        #expect(VCardFields.telephoneNumber(fromURI: "tel:+1.555.0100") == "+1 555 0100")
        #expect(VCardFields.telephoneNumber(fromURI: "tel:7042;phone-context=example.com") == "7042")
    }

    @Test func onlyTheFirstPreferredNumberStaysPreferred() throws {
        let contact = try card(["FN:X", "TEL;CELL;PREF:1", "TEL;WORK;PREF:2"]).contact
        #expect(contact.phones.map(\.preferred) == [true, false])
    }

    @Test func unmappedDataIsKeptInNotesOrReported() throws {
        let card = try card([
            "FN:X", "NICKNAME:Xavi", "PHOTO;VALUE=uri:http://example.com/x.jpg", "LOGO;ENCODING=b;TYPE=PNG:iVBORw0K",
            "SOUND:data:audio/ogg;base64,T2dnUw==", "X-SWITCHBOARD-SHORTCODE: 17 ",
        ])
        #expect(card.contact.shortCode == "17")
        #expect(card.contact.notes == "NICKNAME: Xavi\nPHOTO: http://example.com/x.jpg")
        #expect(
            card.notices == [
                .keptInNotes(property: "NICKNAME", value: "Xavi"),
                .keptInNotes(property: "PHOTO", value: "http://example.com/x.jpg"), .dropped(property: "LOGO"),
                .dropped(property: "SOUND"),
            ])
    }
}
