import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// The address-book services, through the same calls the coming pages and API will make.
@Suite("Address books: services")
struct ContactServiceTests {
    struct World {
        let admin: Actor
        let subscriber: Actor
        let a: ContactGroupModel
        let b: ContactGroupModel
        let c: ContactGroupModel
    }

    /// A subscriber with read on A, write on B, nothing on C (the issue's acceptance scenario).
    private func world(_ app: Application) async throws -> World {
        let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
        let admin = Actor(user: adminUser, clientAddress: nil)
        let groups = ContactGroupService(db: app.db)
        let a = try await groups.create(name: "A", kind: .standard, by: admin)
        let b = try await groups.create(name: "B", kind: .dect, dectLimits: DECTLimits(maximumEntries: 3), by: admin)
        let c = try await groups.create(name: "C", kind: .standard, by: admin)
        let user = try await app.makeUser("sid")
        try await groups.setRight(.read, for: user.requireID(), on: a.requireID(), by: admin)
        try await groups.setRight(.write, isStandard: true, for: user.requireID(), on: b.requireID(), by: admin)
        return World(admin: admin, subscriber: Actor(user: user, clientAddress: nil), a: a, b: b, c: c)
    }

    private func names(_ page: ContactPage) -> [String] { page.contacts.map(\.displayName) }

    @Test("a subscriber sees A and B, edits only B, never sees C or contacts without group")
    func rights() async throws {
        try await withApp { app in
            let w = try await world(app)
            let contacts = ContactService(db: app.db)
            let inA = try await contacts.create(
                Contact(firstName: "Anne", lastName: "Alpha"), in: [w.a.requireID()], by: w.admin)
            let inB = try await contacts.create(
                Contact(firstName: "Bert", lastName: "Beta"), in: [w.b.requireID()], by: w.admin)
            let inC = try await contacts.create(
                Contact(firstName: "Cleo", lastName: "Gamma"), in: [w.c.requireID()], by: w.admin)
            _ = try await contacts.create(Contact(firstName: "Nina", lastName: "Nowhere"), in: [], by: w.admin)

            #expect(names(try await contacts.search(ContactSearch(), by: w.subscriber)) == ["Anne Alpha", "Bert Beta"])
            #expect(names(try await contacts.search(ContactSearch(), by: w.admin)).count == 4)
            #expect(names(try await contacts.search(ContactSearch(filters: [.name: "cle"]), by: w.subscriber)).isEmpty)
            #expect(
                try await contacts.search(ContactSearch(scope: .group(w.c.requireID())), by: w.subscriber).contacts
                    .isEmpty)
            #expect(try await contacts.search(ContactSearch(scope: .withoutGroup), by: w.subscriber).contacts.isEmpty)
            #expect(
                names(try await contacts.search(ContactSearch(scope: .withoutGroup), by: w.admin)) == ["Nina Nowhere"])

            await #expect(throws: SwitchboardError.notFound) {
                try await contacts.contact(inC.requireID(), by: w.subscriber)
            }
            await #expect(throws: SwitchboardError.forbidden) {
                try await contacts.update(inA.requireID(), with: Contact(firstName: "X"), by: w.subscriber)
            }
            _ = try await contacts.update(
                inB.requireID(), with: Contact(firstName: "Bertrand", lastName: "Beta"), by: w.subscriber)
            await #expect(throws: SwitchboardError.forbidden) {
                try await contacts.delete([inA.requireID(), inB.requireID()], by: w.subscriber)
            }
            #expect(try await ContactModel.query(on: app.db).count() == 4)  // refused as a whole
            #expect(try await contacts.delete([inB.requireID()], by: w.subscriber) == 1)
            await #expect(throws: SwitchboardError.forbidden) { try await contacts.deleteAll(by: w.subscriber) }
            let groupNames = try await ContactGroupService(db: app.db).list(by: w.subscriber).map(\.name)
            #expect(groupNames == ["A", "B"])
        }
    }

    @Test("a subscriber's new contact lands in their standard group")
    func standardGroup() async throws {
        try await withApp { app in
            let w = try await world(app)
            let contact = try await ContactService(db: app.db).create(
                Contact(company: "Acme"), in: [], by: w.subscriber)
            #expect(try await ContactService(db: app.db).groups(of: contact.requireID()).map(\.name) == ["B"])
            #expect(try await ContactGroupModel.find(w.b.requireID(), on: app.db)?.memberCount == 1)
        }
    }

    @Test("a number filter typed the way people say numbers finds them written any way; plain digits anywhere")
    func numberFilterFolded() async throws {
        try await withApp { app in
            let w = try await world(app)
            let contacts = ContactService(db: app.db)
            // A number said the way people say it finds it written the other ways (here in France).
            _ = try await contacts.create(
                Contact(displayName: "Lyon desk", phones: [PhoneEntry(type: .business, number: "+33 4 78 00 00 02")]),
                in: [w.a.requireID()], by: w.admin)
            _ = try await contacts.create(
                Contact(displayName: "Lyon annex", phones: [PhoneEntry(type: .business, number: "04 78 00 00 03")]),
                in: [w.a.requireID()], by: w.admin)
            _ = try await contacts.create(
                Contact(displayName: "Lyon old", phones: [PhoneEntry(type: .business, number: "0033 4 78 00 00 04")]),
                in: [w.a.requireID()], by: w.admin)
            _ = try await contacts.create(
                Contact(
                    displayName: "Lyon Outlook", phones: [PhoneEntry(type: .business, number: "+33 (0)4 78 00 00 05")]),
                in: [w.a.requireID()], by: w.admin)
            for typed in ["04 78", "0478", "0033 4 78", "+33 (0)4 78", "+33 4 78", "+3347800"] {
                var search = ContactSearch(filters: [.number: typed])
                search.dialPlan = DialPlan()
                #expect(
                    names(try await contacts.search(search, by: w.admin)) == [
                        "Lyon annex", "Lyon desk", "Lyon old", "Lyon Outlook",
                    ],
                    "\(typed)")
            }
            // Digits typed without a prefix are found anywhere, as before; a country code is not found in the middle.
            var plain = ContactSearch(filters: [.number: "78 00 00 0"])
            plain.dialPlan = DialPlan()
            #expect(names(try await contacts.search(plain, by: w.admin)).count == 4)
            var middle = ContactSearch(filters: [.number: "+47 80"])
            middle.dialPlan = DialPlan()
            #expect(names(try await contacts.search(middle, by: w.admin)).isEmpty)
            // Without a dial plan (a search built in code), digits as typed, anywhere.
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.number: "+47 80"]), by: w.admin)).count == 4)
        }
    }

    @Test("search folds accents and case, sorts Émile with E, pages with a cursor")
    func searchAndPaging() async throws {
        try await withApp { app in
            let w = try await world(app)
            let contacts = ContactService(db: app.db)
            for name in ["Zoé Zola", "émile Faure", "Eve Adams", "Élodie Brun", "123 Taxi", "Œdipe Roi"] {
                let parts = name.split(separator: " ").map(String.init)
                _ = try await contacts.create(
                    Contact(
                        firstName: parts[0], lastName: parts[1],
                        phones: [PhoneEntry(type: .mobile, number: "+33 6 12 34 56 7\(name.count % 10)")]),
                    in: [w.a.requireID()], by: w.admin)
            }
            #expect(
                names(try await contacts.search(ContactSearch(), by: w.admin))
                    == ["Élodie Brun", "émile Faure", "Eve Adams", "Œdipe Roi", "Zoé Zola", "123 Taxi"])
            #expect(names(try await contacts.search(ContactSearch(tab: "E"), by: w.admin)).count == 3)
            #expect(names(try await contacts.search(ContactSearch(tab: "#"), by: w.admin)) == ["123 Taxi"])
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.name: "EMI"]), by: w.admin)) == ["émile Faure"]
            )
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.firstName: "œd"]), by: w.admin)) == [
                    "Œdipe Roi"
                ])
            #expect(
                try await contacts.search(ContactSearch(filters: [.number: "6 12"]), by: w.admin).contacts.count == 6)
            #expect(try await contacts.search(ContactSearch(filters: [.name: "%"]), by: w.admin).contacts.isEmpty)

            var seen: [String] = []
            var search = ContactSearch(limit: 4)
            while true {
                let page = try await contacts.search(search, by: w.admin)
                seen += names(page)
                guard let next = page.next else { break }
                search.after = ContactSearch.Cursor(token: next.token)
            }
            #expect(seen.count == 6)
            #expect(Set(seen).count == 6)
        }
    }

    @Test("DECT limits, linked groups, short codes and delete all")
    func rules() async throws {
        try await withApp { app in
            let w = try await world(app)
            let contacts = ContactService(db: app.db)
            for index in 1...3 {
                _ = try await contacts.create(Contact(lastName: "D\(index)"), in: [w.b.requireID()], by: w.admin)
            }
            await #expect(throws: SwitchboardError.dect(.groupFull(maximum: 3, wouldHave: 4))) {
                try await contacts.create(Contact(lastName: "D4"), in: [w.b.requireID()], by: w.admin)
            }
            #expect(try await ContactModel.query(on: app.db).count() == 3)  // the refused one left nothing

            let linked = try await ContactGroupService(db: app.db).create(name: "Google", kind: .linked, by: w.admin)
            await #expect(throws: SwitchboardError.forbidden) {
                try await contacts.create(Contact(lastName: "L"), in: [linked.requireID()], by: w.admin)
            }

            _ = try await contacts.create(Contact(lastName: "S1", shortCode: "12"), in: [w.a.requireID()], by: w.admin)
            await #expect(throws: SwitchboardError.shortCodeTaken) {
                try await contacts.create(Contact(lastName: "S2", shortCode: "12"), in: [w.a.requireID()], by: w.admin)
            }

            #expect(try await contacts.deleteAll(by: w.admin) == 4)
            #expect(try await ContactModel.query(on: app.db).count() == 0)
            #expect(try await ContactGroupModel.find(w.b.requireID(), on: app.db)?.memberCount == 0)
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "contacts.delete_all").first()
            #expect(audit?.detail == "count=4")
        }
    }

    @Test(
        "a rare substring past the first rows is found by the words index or the scan, in order, within rights, across pages"
    )
    func rareSubstringBeyondTheWindow() async throws {
        try await withApp { app in
            let w = try await world(app)
            // More rows than the first window (the indexes take over after both windows: every path with small
            // limits is in ContactSearchEquivalenceTests).
            let filler = (0..<(ContactSearch.window + 500)).map { index in
                ContactModel(Contact(firstName: "Person", lastName: String(format: "M%05d", index)))
            }
            for contact in filler { contact.id = UUID() }
            for chunk in stride(from: 0, to: filler.count, by: 500) {
                let slice = Array(filler[chunk..<min(filler.count, chunk + 500)])
                try await slice.create(on: app.db)
                try await ContactService.add(slice, to: [w.a], on: app.db)
            }
            let contacts = ContactService(db: app.db)
            // "zq" is rare: one before the filler in display order, three after, one the subscriber cannot read.
            for (name, group) in [
                ("Alzqa Early", w.a), ("Zqira Late", w.a), ("Tazq Middle", w.b), ("Zzq Last", w.b),
                ("Nozq Hidden", w.c),
            ] {
                _ = try await contacts.create(
                    Contact(displayName: name, phones: [.init(type: .mobile, number: "+49 170 9876543")]),
                    in: [group.requireID()], by: w.admin)
            }
            let all = try await contacts.search(ContactSearch(filters: [.name: "ZQ"]), by: w.admin)
            #expect(names(all) == ["Alzqa Early", "Nozq Hidden", "Tazq Middle", "Zqira Late", "Zzq Last"])
            #expect(all.next == nil)

            var seen: [String] = []
            var search = ContactSearch(filters: [.name: "zq"], limit: 2)
            while true {
                let page = try await contacts.search(search, by: w.subscriber)
                seen += names(page)
                guard let next = page.next else { break }
                search.after = next
            }
            #expect(seen == ["Alzqa Early", "Tazq Middle", "Zqira Late", "Zzq Last"])

            // Combined with a tab, a group and another filter, and on numbers.
            #expect(
                names(try await contacts.search(ContactSearch(tab: "Z", filters: [.name: "zq"]), by: w.subscriber)) == [
                    "Zqira Late", "Zzq Last",
                ])
            #expect(
                names(
                    try await contacts.search(
                        ContactSearch(scope: .group(w.b.requireID()), filters: [.name: "zq"]), by: w.admin)) == [
                        "Tazq Middle", "Zzq Last",
                    ])
            #expect(
                names(
                    try await contacts.search(
                        ContactSearch(filters: [.name: "zq", .number: "98765"]), by: w.subscriber)
                ).count == 4)
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.number: "9876543"]), by: w.admin)).count == 5)
            #expect(try await contacts.search(ContactSearch(filters: [.name: "qz"]), by: w.admin).contacts.isEmpty)
            // A filter spanning two words is not in the words index: the sort index is walked.
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.name: "zq l"]), by: w.admin)) == ["Zzq Last"])
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.name: "a e"]), by: w.subscriber)) == [
                    "Alzqa Early"
                ])
            // The words follow renames and deletions.
            let tazq = try #require(
                try await ContactModel.query(on: app.db).filter(\.$displayName == "Tazq Middle").first())
            _ = try await contacts.update(
                try tazq.requireID(), with: Contact(displayName: "Tabu Middle"), groups: nil, by: w.admin)
            #expect(names(try await contacts.search(ContactSearch(filters: [.name: "zq"]), by: w.admin)).count == 4)
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.name: "abu"]), by: w.admin)) == ["Tabu Middle"]
            )
            _ = try await contacts.delete([try tazq.requireID()], by: w.admin)
            #expect(try await contacts.search(ContactSearch(filters: [.name: "abu"]), by: w.admin).contacts.isEmpty)
            let indexed = try await (app.db as! any SQLDatabase).raw(
                "SELECT count(*) AS n FROM contact_name_words WHERE word = 'tabu'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(indexed == 0)
            // Matches past the first rows: read in order from the words index, or, spanning two
            // words, found by walking on.
            let late = (0..<(ContactSearch.scanLimit + 100)).map { index in
                ContactModel(Contact(displayName: String(format: "Zfill %05d", index)))
            }
            for chunk in stride(from: 0, to: late.count, by: 500) {
                try await Array(late[chunk..<min(late.count, chunk + 500)]).create(on: app.db)
            }
            for filter in ["fill", "zfill 0"] {
                let dense = try await contacts.search(ContactSearch(filters: [.name: filter]), by: w.admin)
                #expect(names(dense) == (0..<50).map { String(format: "Zfill %05d", $0) })
                #expect(dense.next != nil)
            }
            // The words index names 2 100 contacts the subscriber may not read before the one they may.
            _ = try await contacts.create(Contact(displayName: "Zfillz Readable"), in: [w.a.requireID()], by: w.admin)
            #expect(
                names(try await contacts.search(ContactSearch(filters: [.name: "fill"]), by: w.subscriber)) == [
                    "Zfillz Readable"
                ])
            // A common substring still fills a page from the first rows.
            let common = try await contacts.search(ContactSearch(filters: [.name: "person m0"]), by: w.subscriber)
            #expect(common.contacts.count == 50 && common.next != nil)
        }
    }
}
