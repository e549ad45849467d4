import Foundation
import Testing

@testable import SwitchboardCore

@Suite("vCard writing")
struct VCardWriterTests {
    static let richContact = Contact(
        title: "Dr.", firstName: "Émile Édouard", lastName: "Zola-Müller", displayName: "Le Maître; Émile, dit Zola",
        company: "Fasquelle & Fils, S.A.", department: "Éditions; Littérature", jobTitle: "Écrivain, naturaliste",
        birthday: "1840-04-02",
        notes: "Première ligne; avec point-virgule\nDeuxième ligne, avec virgule\nC:\\chemin\\nouveau et 日本語 "
            + Array(repeating: "très long texte", count: 8).joined(separator: " "),
        shortCode: "42",
        phones: [
            PhoneEntry(type: .business, number: "+33 1 23 45 67 89"),
            PhoneEntry(type: .private, number: "01 98 76 54 32"),
            PhoneEntry(type: .mobile, number: "06 12 34 56 78", preferred: true),
            PhoneEntry(type: .businessFax, number: "+33 1 23 45 67 90"),
            PhoneEntry(type: .privateFax, number: "01 98 76 54 33"),
            PhoneEntry(type: .other, number: "*31#"),
        ],
        emails: [
            EmailEntry(type: .business, address: "emile.zola@fasquelle.example"),
            EmailEntry(type: .private, address: "emile@zola.example"),
        ],
        addresses: [
            PostalAddress(
                type: .business, street: "11 bis, rue de Grenelle\nBâtiment B; 2e étage", postalCode: "75007",
                city: "Paris", region: "Île-de-France", country: "France"),
            PostalAddress(type: .private, street: "Chemin de la Gare", postalCode: "78670", city: "Médan"),
        ])

    /// A 1×1 PNG, and a JPEG header followed by every byte value.
    static let png = Data(
        base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + (0...255).map(UInt8.init) + [0xFF, 0xD9])

    @Test(arguments: VCardVersion.allCases)
    func roundTrip(version: VCardVersion) throws {
        // given
        for photo in [Self.png, Self.jpeg, nil] {
            // when
            let text = VCardWriter.write(Self.richContact, photo: photo, version: version)
            let result = VCardReader.read(Data(text.utf8))
            // then
            #expect(result.problems.isEmpty)
            let card = try #require(result.cards.first)
            #expect(result.cards.count == 1)
            #expect(card.contact == Self.richContact)
            #expect(card.photo == photo)
            #expect(card.notices.isEmpty)
        }
    }

    @Test(arguments: VCardVersion.allCases)
    func derivedDisplayNameComesBackEmpty(version: VCardVersion) throws {
        let contact = Contact(firstName: "Anne", lastName: "Martin", phones: [PhoneEntry(type: .other, number: "12")])
        let card = try #require(VCardReader.read(Data(VCardWriter.write(contact, version: version).utf8)).cards.first)
        #expect(card.contact == contact)
        #expect(card.contact.resolvedDisplayName == "Anne Martin")
    }

    @Test func version21LooksLikeOutlooksOwn() {
        let text = VCardWriter.write(Self.richContact, photo: Self.jpeg)
        let lines = text.components(separatedBy: "\r\n")
        #expect(text.hasSuffix("END:VCARD\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.prefix(2) == ["BEGIN:VCARD", "VERSION:2.1"])
        #expect(lines.contains("TEL;WORK;VOICE:+33 1 23 45 67 89"))
        #expect(lines.contains("TEL;HOME;VOICE:01 98 76 54 32"))
        #expect(lines.contains("TEL;CELL;PREF:06 12 34 56 78"))
        #expect(lines.contains("TEL;WORK;FAX:+33 1 23 45 67 90"))
        #expect(lines.contains("TEL;HOME;FAX:01 98 76 54 33"))
        #expect(lines.contains("TEL;VOICE:*31#"))
        #expect(lines.contains("EMAIL;INTERNET;WORK:emile.zola@fasquelle.example"))
        #expect(lines.contains("BDAY:1840-04-02"))
        #expect(lines.contains("X-SWITCHBOARD-SHORTCODE:42"))
        #expect(lines.contains { $0.hasPrefix("N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Zola-M=C3=BCller;") })
        #expect(lines.contains { $0.hasPrefix("NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Premi=C3=A8re") })
        #expect(lines.allSatisfy { $0.count <= 76 })
        let photo = lines.firstIndex { $0.hasPrefix("PHOTO;ENCODING=BASE64;TYPE=JPEG:") }
        let end = lines.firstIndex(of: "END:VCARD")
        #expect(photo != nil && end != nil && lines[end! - 1] == "")
    }

    @Test func version30And40UseTheirOwnSyntax() {
        let v3 = VCardWriter.write(Self.richContact, photo: Self.png, version: .v30)
        #expect(v3.contains("\r\nTEL;TYPE=CELL,PREF:06 12 34 56 78\r\n"))
        #expect(v3.contains("\r\nEMAIL;TYPE=INTERNET,HOME:emile@zola.example\r\n"))
        #expect(v3.contains("\r\nPHOTO;ENCODING=b;TYPE=PNG:iVBOR"))
        #expect(v3.contains("\r\nORG:Fasquelle & Fils\\, S.A.;Éditions\\; Littérature\r\n"))
        let v4 = VCardWriter.write(Self.richContact, photo: Self.png, version: .v40)
        #expect(v4.contains("\r\nTEL;TYPE=cell;PREF=1:06 12 34 56 78\r\n"))
        #expect(v4.contains("\r\nBDAY:18400402\r\n"))
        #expect(v4.contains("\r\nPHOTO:data:image/png;base64,iVBOR"))
        for text in [v3, v4] {
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines.allSatisfy { $0.utf8.count <= 75 })
            #expect(text.contains("NOTE:Première ligne\\; avec point-virgule\\nDeuxième ligne\\, avec virgule\\n"))
        }
    }

    @Test func foldingNeverSplitsACharacter() {
        let contact = Contact(notes: String(repeating: "日本語€", count: 40))
        let lines = VCardWriter.write(contact, version: .v30).components(separatedBy: "\r\n")
        for line in lines {
            #expect(String(bytes: Array(line.utf8), encoding: .utf8) != nil)
        }
        #expect(lines.filter { $0.hasPrefix(" ") }.count > 5)
    }

    @Test func yearlessBirthdays() {
        let contact = Contact(lastName: "X", birthday: "--04-23")
        #expect(VCardWriter.write(contact).contains("\r\nBDAY:--0423\r\n"))
        #expect(VCardWriter.write(contact, version: .v30).contains("\r\nBDAY:--04-23\r\n"))
        #expect(VCardWriter.write(contact, version: .v40).contains("\r\nBDAY:--0423\r\n"))
    }

    @Test("N's middle names, prefix and suffix are fields of their own, read and written back")
    func nameParts() throws {
        let card =
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Public;John;Quincy Adams;Dr.;Jr.\r\nFN:John Quincy Adams Public Jr.\r\nEND:VCARD\r\n"
        let contact = try #require(VCardReader.read(Data(card.utf8)).cards.first?.contact)
        #expect(contact.firstName == "John" && contact.middleName == "Quincy Adams" && contact.lastName == "Public")
        #expect(contact.title == "Dr." && contact.suffix == "Jr." && contact.notes == nil)
        // FN only repeats the name the parts make: it is derived, not stored.
        #expect(contact.displayName == nil && contact.resolvedDisplayName == "John Quincy Adams Public Jr.")
        #expect(VCardWriter.write(contact, version: .v40).contains("N:Public;John;Quincy Adams;Dr.;Jr.\r\n"))
    }

    @Test("a line break typed in a browser (CR LF) is one line break in every version")
    func crlfInNotes() {
        let contact = Contact(displayName: "Anne", notes: "one\r\ntwo\nthree")
        #expect(VCardWriter.write(contact, version: .v21).contains(":one=0D=0Atwo=0D=0Athree\r\n"))
        #expect(VCardWriter.write(contact, version: .v30).contains("NOTE:one\\ntwo\\nthree\r\n"))
    }
}
