import Foundation
import Testing

@testable import SwitchboardCore

@Suite("vCard fixtures: desktop address books and charsets")
struct VCardDesktopFixtureTests {
    @Test("Evolution 3.0: ROLE besides TITLE, LABEL, empty properties, vendor extensions")
    func evolution() throws {
        let result = try VCardFixture.read("evolution-3.0.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Karl-Heinz Hansen"])
        let card = try #require(result.cards.first)
        let contact = card.contact
        #expect(contact.phones.first == PhoneEntry(type: .business, number: "+49 211 1234-0"))
        #expect(contact.phones.map(\.type) == [.business, .mobile, .privateFax, .other])
        #expect(contact.jobTitle == "Senior Consultant")
        #expect(contact.company == "Hansen Consulting GmbH" && contact.department == "Beratung")
        #expect(contact.emails.map(\.type) == [.business, .private])
        #expect(contact.addresses.map(\.city) == ["Düsseldorf", "Neuss"])
        #expect(contact.birthday == "1968-09-01")
        let notes = contact.notes?.components(separatedBy: "\n") ?? []
        #expect(
            notes == [
                "Bevorzugt Termine am Nachmittag.", "Parkplatz im Hof, Einfahrt links.",
                "URL: http://www.hansen-consulting.example", "X-EVOLUTION-MANAGER: Anna Berg", "NICKNAME: Kalle",
                "CATEGORIES: Business,Key Customer", "X-EVOLUTION-ANNIVERSARY: 1995-06-10", "ROLE: Projektleitung",
            ])
        #expect(card.notices.contains(.dropped(property: "LABEL")))
        #expect(card.notices.filter { if case .keptInNotes = $0 { true } else { false } }.count == 6)
    }

    @Test("KAddressBook 3.0: sorted properties, VERSION last, ROLE as job title, PREF as a type")
    func kAddressBook() throws {
        let result = try VCardFixture.read("kaddressbook-3.0.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Sabine Wagner"])
        let contact = try #require(result.cards.first?.contact)
        #expect(contact.phones.first?.number == "+49 160 1234567")
        #expect(contact.preferredPhone == PhoneEntry(type: .business, number: "+49 761 203-8000", preferred: true))
        #expect(contact.title == "Prof. Dr." && contact.jobTitle == "Professorin")
        #expect(contact.birthday == "1982-06-15")
        #expect(contact.department == "Institut für Informatik")
        #expect(contact.emails == [EmailEntry(type: .private, address: "sabine@kde-freunde.example")])
        #expect(contact.notes?.contains("EMAIL: s.wagner@uni-freiburg.example") == true)
        #expect(contact.notes?.contains("X-KADDRESSBOOK-X-IMADDRESS: sabine@jabber.example") == true)
        #expect(contact.addresses.map(\.type) == [.private, .business])
    }

    @Test("Windows Contacts: UTF-16LE with BOM, quoted-printable UTF-8 inside")
    func utf16() throws {
        let result = try VCardFixture.read("windows-contacts-utf-16.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Zofia Łukasiewicz"])
        let contact = try #require(result.cards.first?.contact)
        #expect(contact.phones.first == PhoneEntry(type: .business, number: "+48 71 320 20 00"))
        #expect(contact.company == "Politechnika Wrocławska")
        #expect(contact.addresses.first?.street == "Wybrzeże Wyspiańskiego 27")
        #expect(contact.addresses.first?.city == "Wrocław")
        #expect(contact.notes == "X-WAB-GENDER: 2")
    }

    @Test("ISO-8859-15: €, Œ, œ, Š and Ž where Latin-1 has other signs")
    func latin9() throws {
        let result = try VCardFixture.read("association-iso-8859-15.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["Benoît Lefèvre", "Šimon Žák"])
        let contact = try #require(result.cards.first?.contact)
        #expect(contact.phones.first?.number == "03 20 12 34 56")
        #expect(contact.company == "Œuvres & Cœurs")
        #expect(contact.jobTitle == "Trésorier")
        #expect(contact.notes == "Cotisation 50 € par an\nŒuvre d'entraide")
    }

    @Test("Shift_JIS: a Japanese feature phone card, plain and quoted-printable")
    func shiftJIS() throws {
        let result = try VCardFixture.read("docomo-shift-jis-2.1.vcf")
        #expect(result.problems.isEmpty)
        #expect(result.cards.map(\.contact.resolvedDisplayName) == ["太郎 山田"])
        let contact = try #require(result.cards.first?.contact)
        #expect(contact.lastName == "山田" && contact.firstName == "太郎")
        #expect(contact.phones.first == PhoneEntry(type: .mobile, number: "090-1234-5678"))
        #expect(contact.notes == "東京支社 営業部\nSOUND: ﾔﾏﾀﾞ;ﾀﾛｳ")
    }
}
