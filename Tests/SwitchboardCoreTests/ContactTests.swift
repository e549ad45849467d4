import Foundation
import Testing

@testable import SwitchboardCore

@Suite("Contacts")
struct ContactTests {
    @Test("the display name is explicit, else first and last name, else the company")
    func displayName() {
        #expect(
            Contact(firstName: "Émile", lastName: "Zola", displayName: " Le Maître ").resolvedDisplayName == "Le Maître"
        )
        #expect(Contact(firstName: "Émile", lastName: "Zola", displayName: "").resolvedDisplayName == "Émile Zola")
        #expect(Contact(lastName: "Zola").resolvedDisplayName == "Zola")
        #expect(Contact(displayName: "  ", company: "Fasquelle").resolvedDisplayName == "Fasquelle")
        #expect(Contact(notes: "nobody").resolvedDisplayName == nil)
    }

    @Test("the preferred number wins, else the first")
    func preferredPhone() {
        let a = PhoneEntry(type: .business, number: "01 23 45 67 89")
        let b = PhoneEntry(type: .mobile, number: "06 12 34 56 78", preferred: true)
        #expect(Contact(phones: [a, b]).preferredPhone == b)
        #expect(Contact(phones: [a]).preferredPhone == a)
        #expect(b.dialable == "0612345678")
    }
}

@Suite("Search folding")
struct SearchFoldingTests {
    @Test(arguments: [
        ("Émile", "emile"), ("ÉLODIE", "elodie"), ("Straße", "strasse"), ("Œuvre", "oeuvre"), ("Ærø", "aero"),
        ("Łukasz", "lukasz"), ("Nguyễn", "nguyen"), ("Ｆｕｌｌ", "full"),
    ])
    func folds(text: String, folded: String) {
        #expect(SearchFolding.fold(text) == folded)
    }

    @Test(arguments: [
        ("Émile Zola", "E"), ("émile", "E"), ("Œdipe", "O"), ("zoé", "Z"), ("123 Taxi", "#"), ("Ωmega", "#"),
        ("  Bob", "B"), ("", "#"), ("Ändersson", "A"),
    ])
    func initials(name: String, tab: String) {
        #expect(SearchFolding.initial(of: name) == tab)
    }

    @Test func tabsAreAToZThenHash() {
        #expect(SearchFolding.tabs.count == 27)
        #expect(SearchFolding.tabs.first == "A")
        #expect(SearchFolding.tabs.last == "#")
    }

    @Test func digits() {
        #expect(SearchFolding.digits("+33 (0)1 23-45") == "33012345")
    }

    @Test("words are the runs of letters and digits of a folded name, each once")
    func words() {
        #expect(
            SearchFolding.words(ofFolded: "jean-pierre d'arc & fils 2 jean") == [
                "jean", "pierre", "d", "arc", "fils", "2",
            ])
        #expect(
            SearchFolding.words(ofFolded: SearchFolding.fold("Müller-Lüdenscheidt, Œuvre")) == [
                "muller", "ludenscheidt", "oeuvre",
            ])
        #expect(SearchFolding.words(ofFolded: "  --  ").isEmpty)
        #expect(SearchFolding.words(ofFolded: "山田 太郎") == ["山田", "太郎"])
    }

    @Test("a filter of letters and digits lies inside one word; one with a space or a dash may span two")
    func wordParts() {
        #expect(SearchFolding.isWordPart("zq"))
        #expect(SearchFolding.isWordPart("a2"))
        #expect(!SearchFolding.isWordPart("n d"))
        #expect(!SearchFolding.isWordPart("jean-p"))
        #expect(!SearchFolding.isWordPart(""))
    }
}

@Suite("Contact access")
struct ContactAccessTests {
    let a = GroupRef(id: UUID(), kind: .standard)
    let b = GroupRef(id: UUID(), kind: .dect)
    let c = GroupRef(id: UUID(), kind: .standard)
    let google = GroupRef(id: UUID(), kind: .linked)

    var subscriber: ContactAccess {
        ContactAccess(role: .subscriber, rights: [a.id: .read, b.id: .write, google.id: .write])
    }

    @Test("a subscriber reads A and B, writes only B, never sees C or contacts without group")
    func subscriberRights() {
        #expect(subscriber.canRead(contactIn: [a]))
        #expect(subscriber.canRead(contactIn: [b]))
        #expect(!subscriber.canRead(contactIn: [c]))
        #expect(!subscriber.canRead(contactIn: []))
        #expect(subscriber.canRead(contactIn: [c, a]))
        #expect(!subscriber.canEdit(contactIn: [a]))
        #expect(subscriber.canEdit(contactIn: [b]))
        #expect(subscriber.canEdit(contactIn: [a, b]))
        #expect(!subscriber.canEdit(contactIn: [c]))
        #expect(subscriber.readableGroupIDs == [a.id, b.id, google.id])
        #expect(!subscriber.canDeleteAll)
        #expect(!subscriber.canCreate(in: []))
        #expect(subscriber.canCreate(in: [b]))
        #expect(!subscriber.canCreate(in: [a]))
    }

    @Test("admins and sub-admins see everything, contacts without group included", arguments: [Role.admin, .subAdmin])
    func keepers(role: Role) {
        let access = ContactAccess(role: role)
        #expect(access.canRead(contactIn: []))
        #expect(access.canRead(contactIn: [c]))
        #expect(access.canEdit(contactIn: []))
        #expect(access.canDeleteAll)
        #expect(access.readableGroupIDs == nil)
        #expect(access.canCreate(in: []))
    }

    @Test("nobody edits, deletes or adds into a linked group; copying out of it is allowed")
    func linked() {
        for access in [subscriber, ContactAccess(role: .admin)] {
            #expect(!access.canEdit(contactIn: [google]))
            #expect(!access.canEdit(contactIn: [google, b]))
            #expect(!access.canWrite(group: google))
            #expect(access.canCopy(contactIn: [google], into: b))
            #expect(!access.canCopy(contactIn: [google], into: google))
        }
        #expect(!subscriber.canCopy(contactIn: [google], into: a))
    }

    @Test("decisions carry their reason: linked, no write right, not found")
    func decisions() {
        #expect(subscriber.editing(contactIn: [b]) == .allowed)
        #expect(subscriber.editing(contactIn: [a]) == .noWriteRight)
        #expect(subscriber.editing(contactIn: [c]) == .notFound)
        #expect(subscriber.editing(contactIn: []) == .notFound)
        #expect(subscriber.editing(contactIn: [google, b]) == .readOnlyLinked)
        #expect(ContactAccess(role: .admin).editing(contactIn: [google]) == .readOnlyLinked)
        #expect(subscriber.writing(group: a) == .noWriteRight)
        #expect(subscriber.writing(group: c) == .notFound)
        #expect(subscriber.writing(group: google) == .readOnlyLinked)
        #expect(subscriber.writing(group: b) == .allowed)
        #expect(!subscriber.seesContactsWithoutGroup)
        #expect(ContactAccess(role: .subAdmin).seesContactsWithoutGroup)
    }

    @Test("an edit changes memberships only among writable groups; every other membership stays")
    func membershipChange() throws {
        let w = GroupRef(id: UUID(), kind: .standard)
        let access = ContactAccess(role: .subscriber, rights: [a.id: .read, b.id: .write, w.id: .write])
        // In A (read), B (write), C (hidden); the form names W only: B is left, A and C stay.
        let moved = try access.membershipChange(current: [a, b, c], requested: [w])
        #expect(moved == MembershipChange(add: [w.id], remove: [b.id], keep: [a.id, c.id]))
        // Naming the read-only A it is already in changes nothing there.
        let named = try access.membershipChange(current: [a, b], requested: [a, b])
        #expect(named == MembershipChange(keep: [a.id, b.id]))
        // Joining A (read only), C (hidden) or a linked group is refused with its reason.
        #expect(throws: ContactRefusal(group: a.id, reason: .noWriteRight)) {
            try access.membershipChange(current: [b], requested: [a, b])
        }
        #expect(throws: ContactRefusal(group: c.id, reason: .notFound)) {
            try access.membershipChange(current: [b, c], requested: [b, c])
        }
        let admin = ContactAccess(role: .admin)
        #expect(throws: ContactRefusal(group: google.id, reason: .readOnlyLinked)) {
            try admin.membershipChange(current: [], requested: [google])
        }
        // An admin leaves every group but a linked one, whose source decides.
        #expect(
            try admin.membershipChange(current: [a, google], requested: [])
                == MembershipChange(
                    remove: [a.id], keep: [google.id]))
    }

    @Test("DECT limits: entry count and name length")
    func dectLimits() throws {
        let limits = DECTLimits(maximumEntries: 3, maximumNameLength: 10)
        try limits.check(adding: ["Ann", "Bob"], to: 1)
        #expect(throws: DECTLimits.Violation.groupFull(maximum: 3, wouldHave: 4)) {
            try limits.check(adding: ["Ann", "Bob"], to: 2)
        }
        #expect(throws: DECTLimits.Violation.nameTooLong(name: "Maximilian Mustermann", maximum: 10)) {
            try limits.check(adding: ["Maximilian Mustermann"], to: 0)
        }
    }
}

@Suite("Contact rules")
struct ContactRulesTests {
    @Test("texts are trimmed, empty entries dropped, one preferred number kept")
    func normalises() throws {
        let contact = try ContactRules.normalized(
            Contact(
                firstName: " Émile ", lastName: "", company: "  ",
                phones: [
                    PhoneEntry(type: .business, number: " 01 23 45 67 89 ", preferred: true),
                    PhoneEntry(type: .mobile, number: "  "),
                    PhoneEntry(type: .mobile, number: "06 12 34 56 78", preferred: true),
                ],
                emails: [
                    EmailEntry(type: .business, address: " emile@example.fr "), EmailEntry(type: .private, address: ""),
                ],
                addresses: [
                    PostalAddress(type: .business, city: " Paris "), PostalAddress(type: .private, street: " "),
                ]))
        #expect(contact.firstName == "Émile")
        #expect(contact.lastName == nil)
        #expect(contact.company == nil)
        #expect(contact.resolvedDisplayName == "Émile")
        #expect(contact.phones.map(\.number) == ["01 23 45 67 89", "06 12 34 56 78"])
        #expect(contact.phones.map(\.preferred) == [true, false])
        #expect(contact.emails.map(\.address) == ["emile@example.fr"])
        #expect(contact.addresses == [PostalAddress(type: .business, city: "Paris")])
    }

    @Test func refusesWhatCannotBeRight() {
        #expect(throws: ContactViolation.nameMissing) { try ContactRules.normalized(Contact(notes: "who?")) }
        #expect(throws: ContactViolation.numberInvalid("call me")) {
            try ContactRules.normalized(Contact(lastName: "X", phones: [PhoneEntry(type: .other, number: "call me")]))
        }
        #expect(throws: ContactViolation.emailInvalid("x@")) {
            try ContactRules.normalized(Contact(lastName: "X", emails: [EmailEntry(type: .business, address: "x@")]))
        }
        #expect(throws: ContactViolation.shortCodeInvalid) {
            try ContactRules.normalized(Contact(lastName: "X", shortCode: "12a"))
        }
        #expect(throws: ContactViolation.birthdayInvalid) {
            try ContactRules.normalized(Contact(lastName: "X", birthday: "1980-02-30"))
        }
    }

    @Test(arguments: ["1980-04-23", "--04-23", "2000-02-29", "--02-29", "1840-04-02", "2024-12-31"])
    func birthdays(text: String) {
        #expect(ContactRules.isBirthday(text))
    }

    @Test(arguments: [
        "1980-13-01", "1981-02-29", "23/04/1980", "--13-01", "1980-4-23x", "1900-02-29", "1980-04-31", "1980-00-10",
        "1980-01-00", "--02-30",
    ])
    func notBirthdays(text: String) {
        #expect(!ContactRules.isBirthday(text))
    }
}

@Suite("Contact photos")
struct ContactPhotoRulesTests {
    /// SOI, an APP0 segment, a baseline frame header of `width`×`height`, EOI.
    private func jpeg(width: Int, height: Int, frame: UInt8 = 0xC0) -> Data {
        var bytes: [UInt8] =
            [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC4, 0x00, 0x04, 0x00, 0x00]  // a DHT segment comes first and is skipped
        bytes += [0xFF, frame, 0x00, 0x0B, 0x08, UInt8(height >> 8), UInt8(height & 0xFF)]
        bytes += [UInt8(width >> 8), UInt8(width & 0xFF), 0x01, 0x01, 0x11, 0x00]
        return Data(bytes + [0xFF, 0xD9])
    }

    @Test("JPEG sizes come from the frame header, progressive too")
    func jpegSizes() throws {
        let rules = PhotoRules()
        let baseline = try rules.checkImage(jpeg(width: 300, height: 200))
        #expect(baseline.format == .jpeg && baseline.width == 300 && baseline.height == 200)
        let progressive = try rules.checkImage(jpeg(width: 64, height: 2048, frame: 0xC2))
        #expect(progressive.width == 64 && progressive.height == 2048)
    }

    @Test("not an image, a cut file, or out-of-range dimensions are refused")
    func refusals() {
        let rules = PhotoRules()
        #expect(throws: PhotoRules.Violation.notImage) { try rules.checkImage(Data("GIF89a……………………………".utf8)) }
        #expect(throws: PhotoRules.Violation.notImage) {
            try rules.checkImage(jpeg(width: 100, height: 100).dropLast(2))
        }
        #expect(throws: PhotoRules.Violation.badDimensions(width: 20, height: 100, allowed: 64...2048)) {
            try rules.checkImage(jpeg(width: 20, height: 100))
        }
        #expect(throws: PhotoRules.Violation.tooLarge(maximumBytes: 10)) {
            try PhotoRules(maximumBytes: 10).checkImage(jpeg(width: 100, height: 100))
        }
    }
}
