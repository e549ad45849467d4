import Foundation
import Testing

@testable import SwitchboardCore

/// Files shaped like the exports of real address books, in `Fixtures/vcard/`.
enum VCardFixture {
    static func data(_ name: String) throws -> Data {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/vcard")
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }

    static func read(_ name: String) throws -> VCardImport { VCardReader.read(try data(name)) }

    /// The JPEG embedded in the iPhone, Android and BlackBerry cards.
    static var photo: Data { get throws { try data("photo.jpg") } }
}

@Suite("vCard fixtures: phones and mail clients")
struct VCardFixtureTests {
    @Test("Outlook 2.1: Windows-1252, quoted-printable, LABEL over soft breaks, metadata")
    func outlook() throws {
        let result = try VCardFixture.read("outlook-2.1.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Dr. Jürgen Müller", "Stadtwerke München"])
        let contact = result.cards[0].contact
        #expect(contact.title == "Dr.")
        #expect(contact.lastName == "Müller" && contact.firstName == "Jürgen")
        #expect(contact.company == "Müller & Söhne GmbH" && contact.department == "Vertrieb Süd")
        #expect(contact.jobTitle == "Verkaufsleiter")
        #expect(contact.birthday == "1965-03-12")
        #expect(contact.phones.first == PhoneEntry(type: .business, number: "+49 (89) 1234-567"))
        #expect(contact.phones.map(\.type) == [.business, .private, .mobile, .businessFax])
        #expect(contact.emails == [EmailEntry(type: .private, address: "juergen.mueller@mueller-soehne.example.de")])
        #expect(contact.addresses.first?.street == "Hauptstraße 5")
        #expect(contact.addresses.first?.type == .business)
        #expect(
            contact.notes
                == "Bevorzugt Anrufe vormittags\nPreise in €, Rabatt – nur für Stammkunden\n"
                + "URL: http://www.mueller-soehne.example.de")
        #expect(result.cards[0].notices.contains(.dropped(property: "LABEL")))
        #expect(result.cards[1].contact.phones.first?.number == "089 2361-0")
    }

    @Test("iPhone 3.0: CR CR LF, item groups with X-ABLabel, omitted year, base64 photo")
    func iPhone() throws {
        let result = try VCardFixture.read("iphone-3.0.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Amélie Dupont", "Pharmacie du Centre"])
        #expect(result.cards.map(\.line) == [1, 38])
        let card = result.cards[0]
        #expect(card.contact.displayName == nil)
        #expect(card.contact.phones.first == PhoneEntry(type: .mobile, number: "06 12 34 56 78", preferred: true))
        #expect(card.contact.phones.map(\.type) == [.mobile, .business, .mobile, .businessFax, .private])
        #expect(card.contact.emails.map(\.type) == [.private, .business])
        #expect(card.contact.addresses.first?.street == "12 rue des Lilas\nEscalier B")
        #expect(card.contact.addresses.map(\.type) == [.private, .business])
        #expect(card.contact.birthday == "--07-14")
        #expect(
            card.contact.notes
                == "Commande le vendredi, pain de campagne.\nEMAIL (Other): amelie.d@laposte.example\n"
                + "URL (HomePage): https://boulangerie-dupont.example.fr")
        #expect(card.notices.contains(.keptInNotes(property: "URL", value: "https://boulangerie-dupont.example.fr")))
        #expect(card.photo == (try VCardFixture.photo))
        let pharmacy = result.cards[1].contact
        #expect(pharmacy.company == "Pharmacie du Centre" && pharmacy.displayName == nil)
        #expect(pharmacy.phones == [PhoneEntry(type: .business, number: "01 43 21 00 00", preferred: true)])
    }

    @Test("Android 2.1: soft breaks that split UTF-8 characters, indented base64 photo")
    func android() throws {
        let result = try VCardFixture.read("android-2.1.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Françoise Élise", "Plombier"])
        let contact = result.cards[0].contact
        #expect(contact.phones.first?.number == "+33 6 11 22 33 44")
        #expect(contact.phones.map(\.type) == [.mobile, .private, .business])
        #expect(contact.company == "Société Générale des Études")
        #expect(contact.addresses.first?.street == "8 allée des Chênes")
        #expect(contact.birthday == "1988-02-29")
        #expect(
            contact.notes?.hasPrefix(
                "Rencontrée au séminaire d'été à Annecy, très sympathique. Préfère les SMS. "
                    + "Réunion prévue en août à Genève.\nX-ANDROID-CUSTOM: vnd.android.cursor.item/nickname;Fanfan")
                == true)
        #expect(result.cards[0].photo == (try VCardFixture.photo))
        #expect(result.cards[1].contact.phones.first?.number == "07 88 99 00 11")
    }

    @Test("Gmail 3.0: several cards, escaped URL, photo URL, no name, duplicate e-mail types")
    func gmail() throws {
        let result = try VCardFixture.read("gmail-3.0.vcf")
        #expect(result.problems.isEmpty)
        #expect(
            result.cards.map(\.contact.resolvedDisplayName)
                == ["Jane Doe", "Bob Smith", "noreply-team@service.example", "María José García-López"])
        #expect(
            result.cards.map { $0.contact.phones.first?.number } == [
                "+1 555-0100", "(555) 010-2000", nil, "+34 612 34 56 78",
            ])
        let jane = result.cards[0]
        #expect(jane.photo == nil)
        #expect(jane.contact.birthday == "1980-04-23")
        #expect(jane.contact.notes?.contains("URL (HomePage): http://janedoe.example.com") == true)
        #expect(
            jane.contact.notes?.contains("PHOTO: https://lh3.googleusercontent.com/contacts/AOwT7Xexample=s100") == true
        )
        #expect(jane.contact.notes?.hasPrefix("Met at PyCon 2019, likes hiking.\nAllergic to peanuts.\n") == true)
        let bob = result.cards[1].contact
        #expect(bob.emails == [EmailEntry(type: .private, address: "bob@example.org")])
        #expect(bob.notes == "EMAIL: robert.smith@example.net\nCATEGORIES: myContacts")
        #expect(bob.phones.map(\.type) == [.private, .other])
        let maria = result.cards[3].contact
        #expect(maria.birthday == "--11-05")
        #expect(maria.notes == "NICKNAME: Majo\nIMPP: xmpp:majo@jabber.example")
    }

    @Test("Thunderbird 4.0: LF, tel: URIs with extension, PREF=1, folds inside parameters and characters")
    func thunderbird() throws {
        let result = try VCardFixture.read("thunderbird-4.0.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Luc Martin", "Nguyễn Thị Lan"])
        let luc = result.cards[0].contact
        #expect(
            luc.phones == [
                PhoneEntry(type: .business, number: "+33 1 23 45 67 89 ext. 123"),
                PhoneEntry(type: .mobile, number: "+33 6 12 34 56 78", preferred: true),
                PhoneEntry(type: .private, number: "04 78 00 11 22"),
                PhoneEntry(type: .businessFax, number: "+33 1 23 45 67 00"),
            ])
        #expect(luc.title == "M.")
        #expect(luc.emails.map(\.type) == [.private, .business])
        #expect(luc.company == "Société Générale d'Informatique" && luc.department == "Développement, Équipe Web")
        #expect(luc.birthday == "1975-11-30")
        #expect(luc.addresses.first?.street == "12 avenue de la République")
        #expect(luc.notes == "Disponible le matin.\nPréfère le courriel.\nURL: https://luc-martin.example.org")
        let lan = result.cards[1]
        #expect(lan.contact.phones.first == PhoneEntry(type: .other, number: "+84 28 3822 1234"))
        #expect(lan.contact.birthday == "--04-23")
        #expect(lan.photo.map { VCardOutput.imageFormat($0) } == "png")
    }

    @Test("Nokia and BlackBerry 2.1: bare parameters, mixed case, Latin-1 without CHARSET, unindented base64")
    func nokiaAndBlackBerry() throws {
        let result = try VCardFixture.read("nokia-blackberry-2.1.vcf")
        #expect(result.problems.isEmpty)
        #expect(
            result.cards.map(\.contact.resolvedDisplayName) == ["Pekka Virtanen", "Liisa Järvinen", "Marc Tremblay"])
        let pekka = result.cards[0].contact
        #expect(pekka.phones.first == PhoneEntry(type: .business, number: "+358 9 1234 567", preferred: true))
        #expect(pekka.phones.map(\.type) == [.business, .mobile, .private, .businessFax, .other])
        #expect(pekka.addresses.first?.type == .private)
        #expect(pekka.notes == "Sauna Fridays")
        #expect(result.cards[1].contact.phones.first?.preferred == true)
        let marc = result.cards[2]
        #expect(marc.contact.phones.map(\.type) == [.business, .mobile, .other, .privateFax])
        #expect(marc.contact.phones.first?.number == "+1 514 555 0142")
        #expect(marc.contact.emails.first?.type == .business)
        #expect(marc.photo == (try VCardFixture.photo))
    }
}
