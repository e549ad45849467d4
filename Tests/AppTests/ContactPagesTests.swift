import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// The contacts and contact-group pages, through HTTP as a browser without JavaScript uses them.
@Suite("Address books: pages")
struct ContactPagesTests {
    struct World {
        let admin: Actor
        let a: ContactGroupModel
        let b: ContactGroupModel
        let c: ContactGroupModel
        let inA: ContactModel
        let inB: ContactModel
        let inC: ContactModel
        let subscriber: UserModel
    }

    /// Subscriber "sid" (extension 301) with read on A, write on B (standard), nothing on C.
    private func world(_ app: Application) async throws -> World {
        let admin = try await app.givenAdmin()
        let groupIDs = [
            try await app.givenGroup("Group A", by: admin), try await app.givenGroup("Group B", by: admin),
            try await app.givenGroup("Group C", by: admin),
        ]
        let sid = try await app.givenSubscriber(
            "sid", rights: [groupIDs[0]: .read, groupIDs[1]: .write], standard: groupIDs[1], phoneExtension: "301"
        ).user
        let groups = try await ContactGroupModel.query(on: app.db).filter(\.$id ~~ groupIDs).sort(\.$name).all()
        let (a, b, c) = (groups[0], groups[1], groups[2])
        let contacts = ContactService(db: app.db)
        let inA = try await contacts.create(
            Contact(
                firstName: "Anne", lastName: "Alpha", phones: [.init(type: .business, number: "+33 1 11 11 11 11")]),
            in: [a.requireID()], by: admin)
        let inB = try await contacts.create(
            Contact(firstName: "Bert", lastName: "Beta", phones: [.init(type: .mobile, number: "+49 151 2222222")]),
            in: [b.requireID()], by: admin)
        let inC = try await contacts.create(
            Contact(firstName: "Cleo", lastName: "Gamma"), in: [c.requireID()], by: admin)
        return World(admin: admin, a: a, b: b, c: c, inA: inA, inB: inB, inC: inC, subscriber: sid)
    }

    private func signedIn(_ app: Application, _ username: String, _ password: String = "password-123") async throws
        -> Browser
    {
        let browser = Browser(app)
        let password = username == "admin" ? TestEnvironment.adminPassword : password
        #expect(try await browser.signIn(username, password).status == .seeOther)
        return browser
    }

    private func count(_ app: Application) async throws -> Int { try await ContactModel.query(on: app.db).count() }

    @Test("a subscriber's list, filters, pages and forms show A and B, change only B, and never reveal C")
    func subscriberRights() async throws {
        try await withApp { app in
            let w = try await world(app)
            let sid = try await signedIn(app, "sid")

            let list = try await sid.get(Paths.contacts.path).body.string
            #expect(list.contains("Anne Alpha") && list.contains("Bert Beta"))
            #expect(!list.contains("Cleo") && !list.contains("Group C"))
            #expect(!list.contains("data-testid=\"scope-without-group\""))
            #expect(!(try await sid.get(Paths.contacts.path + "?name=cleo")).body.string.contains("Cleo"))
            #expect(!(try await sid.get(Paths.contacts.path + "?lastName=gam")).body.string.contains("Cleo"))
            #expect(try await sid.get(Paths.contacts.path + "?group=\(w.c.id!)").status == .notFound)
            #expect(try await sid.get(Paths.contacts.path + "?group=none").status == .notFound)
            let c = try await sid.get(Paths.contact.url(w.inC.id!))
            #expect(c.status == .notFound)
            #expect(!c.body.string.contains("Cleo"))
            #expect(try await sid.get(Paths.contactVCard.url(w.inC.id!)).status == .notFound)

            // A: readable, not editable.
            let a = try await sid.get(Paths.contact.url(w.inA.id!)).body.string
            #expect(a.contains("Anne Alpha") && !a.contains(Paths.contactEdit.url(w.inA.id!)))
            #expect(try await sid.get(Paths.contactEdit.url(w.inA.id!)).status == .forbidden)
            let refused = try await sid.post(Paths.contact.url(w.inA.id!), ["firstName": "Changed"])
            #expect(refused.status == .forbidden)
            #expect(try await ContactModel.find(w.inA.id, on: app.db)?.firstName == "Anne")

            // B: editable through the form.
            try await sid.get(Paths.contactEdit.url(w.inB.id!))
            let saved = try await sid.post(
                Paths.contact.url(w.inB.id!),
                pairs: [
                    ("firstName", "Bertha"), ("lastName", "Beta"), ("phoneType[]", "mobile"),
                    ("phoneNumber[]", "+49 151 2222222"), ("groups[]", w.b.id!.uuidString),
                ])
            #expect(saved.status == .seeOther)
            #expect(try await ContactModel.find(w.inB.id, on: app.db)?.displayName == "Bertha Beta")

            // Deleting a selection that includes A deletes nothing.
            try await sid.get(Paths.contacts.path)
            let mixed = try await sid.post(
                Paths.contactsSelection.path,
                pairs: [
                    ("action", "delete"), ("confirmed", "yes"), ("ids[]", w.inA.id!.uuidString),
                    ("ids[]", w.inB.id!.uuidString),
                ])
            #expect(mixed.status == .seeOther)
            #expect(try await count(app) == 3)
            #expect((try await sid.get(Paths.contacts.path)).body.string.contains("You do not have permission"))
            // …and a selection naming C is "not found", never a hint that it exists.
            let hidden = try await sid.post(
                Paths.contactsSelection.path,
                pairs: [("action", "delete"), ("confirmed", "yes"), ("ids[]", w.inC.id!.uuidString)])
            #expect(hidden.status == .notFound)
            #expect(!hidden.body.string.contains("Cleo"))
            #expect(try await count(app) == 3)

            // B alone goes.
            let deleted = try await sid.post(
                Paths.contactsSelection.path,
                pairs: [("action", "delete"), ("confirmed", "yes"), ("ids[]", w.inB.id!.uuidString)])
            #expect(deleted.status == .seeOther)
            #expect(try await count(app) == 2)
            #expect(try await ContactModel.find(w.inB.id, on: app.db) == nil)

            // The admin pages stay closed.
            #expect(try await sid.get(Paths.contactGroups.path).status == .forbidden)
            #expect(try await sid.get(Paths.contactsDeleteAll.path).status == .forbidden)
        }
    }

    @Test("a subscriber with no right sees an explanation, not an error")
    func noRights() async throws {
        try await withApp { app in
            _ = try await world(app)
            try await app.makeUser("nora")
            let nora = try await signedIn(app, "nora")
            let page = try await nora.get(Paths.contacts.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("You have no contact group to read yet"))
            #expect(!page.body.string.contains("Anne"))
        }
    }

    @Test("the form creates a contact with several numbers, e-mails and an address in the chosen groups")
    func createThroughForm() async throws {
        try await withApp { app in
            let w = try await world(app)
            let admin = try await signedIn(app, "admin")
            try await admin.get(Paths.newContact.path)
            let fields: [(String, String)] = [
                ("firstName", "Émile"), ("lastName", "Zola"), ("company", "Éditions"), ("shortCode", "42"),
                ("phoneType[]", "business"), ("phoneNumber[]", "+33 1 23 45 67 89"),
                ("phoneType[]", "mobile"), ("phoneNumber[]", "06 12 34 56 78"),
                ("phoneType[]", "business"), ("phoneNumber[]", ""), ("preferredPhone", "1"),
                ("emailType[]", "private"), ("emailAddress[]", "emile@example.org"),
                ("addressType[]", "business"), ("street[]", "1 rue de Médan"), ("postalCode[]", "78670"),
                ("city[]", "Médan"), ("region[]", ""), ("country[]", "France"),
                ("groups[]", w.a.id!.uuidString), ("groups[]", w.c.id!.uuidString),
            ]
            let created = try await admin.post(Paths.contacts.path, pairs: fields)
            #expect(created.status == .seeOther)
            let model = try #require(
                try await ContactModel.query(on: app.db).filter(\.$lastName == "Zola").first())
            #expect(model.displayName == "Émile Zola")
            #expect(model.phones.map(\.number) == ["+33 1 23 45 67 89", "06 12 34 56 78"])
            #expect(model.phones.map(\.preferred) == [false, true])
            #expect(model.emails == [EmailEntry(type: .private, address: "emile@example.org")])
            #expect(model.addresses.first?.city == "Médan")
            let groups = try await ContactService(db: app.db).groups(of: model.id!).map(\.name).sorted()
            #expect(groups == ["Group A", "Group C"])

            let page = try await admin.get(try #require(created.headers.first(name: .location))).body.string
            #expect(page.contains("Émile Zola") && page.contains("06 12 34 56 78") && page.contains("Médan"))

            // Accent-insensitive from one character, under the E tab, in the URL.
            #expect(try await admin.get(Paths.contacts.path + "?name=EMI").body.string.contains("Émile Zola"))
            #expect(try await admin.get(Paths.contacts.path + "?tab=E").body.string.contains("Émile Zola"))
            #expect(!(try await admin.get(Paths.contacts.path + "?tab=Z")).body.string.contains("Émile Zola"))
            #expect(try await admin.get(Paths.contacts.path + "?number=3456").body.string.contains("Émile Zola"))
            #expect(try await admin.get(Paths.contacts.path + "?city=meda&company=edit").body.string.contains("Zola"))
            #expect(!(try await admin.get(Paths.contacts.path + "?city=meda&company=xyz")).body.string.contains("Zola"))
        }
    }

    @Test("a number with an extension: saved as written, dialled main number then extension, found by its digits")
    func numberWithExtension() async throws {
        try await withApp { app in
            let w = try await world(app)
            let admin = try await signedIn(app, "admin")
            try await admin.get(Paths.newContact.path)
            let created = try await admin.post(
                Paths.contacts.path,
                pairs: [
                    ("displayName", "Laval reception"), ("phoneType[]", "business"),
                    ("phoneNumber[]", "+1 418-656-9254 ext. 102"), ("groups[]", w.a.id!.uuidString),
                ])
            #expect(created.status == .seeOther)
            let page = try await admin.get(try #require(created.headers.first(name: .location))).body.string
            #expect(
                page.contains("<a href=\"tel:+14186569254,102\" class=\"phone-number\">+1 418-656-9254 ext. 102</a>"))
            #expect(
                try await admin.get(Paths.contacts.path + "?number=6569254").body.string.contains("Laval reception"))
            #expect(try await admin.get(Paths.contacts.path + "?number=102").body.string.contains("Laval reception"))
        }
    }

    @Test("middle name and suffix: typed in the form, shown, in the name, and in the API")
    func nameParts() async throws {
        try await withApp { app in
            let w = try await world(app)
            let admin = try await signedIn(app, "admin")
            try await admin.get(Paths.newContact.path)
            let created = try await admin.post(
                Paths.contacts.path,
                pairs: [
                    ("title", "Dr."), ("firstName", "Martin"), ("middleName", "Luther"), ("lastName", "King"),
                    ("suffix", "Jr."), ("groups[]", w.a.id!.uuidString),
                ])
            #expect(created.status == .seeOther)
            let model = try #require(try await ContactModel.query(on: app.db).filter(\.$lastName == "King").first())
            #expect(model.middleName == "Luther" && model.suffix == "Jr.")
            #expect(model.displayName == "Martin Luther King Jr.")
            let page = try await admin.get(try #require(created.headers.first(name: .location))).body.string
            #expect(page.contains("Middle name") && page.contains("Luther") && page.contains("Suffix"))
            let edit = try await admin.get(Paths.contactEdit.url(model.id!)).body.string
            #expect(
                edit.contains("name=\"middleName\" value=\"Luther\"") && edit.contains("name=\"suffix\" value=\"Jr.\""))
        }
    }

    @Test("a refused form keeps what was typed, says why next to the field, and saves nothing")
    func refusedForm() async throws {
        try await withApp { app in
            _ = try await world(app)
            let admin = try await signedIn(app, "admin")
            try await admin.get(Paths.newContact.path)
            let refused = try await admin.post(
                Paths.contacts.path,
                pairs: [
                    ("firstName", "Zoé"), ("lastName", "Kept"), ("phoneType[]", "business"),
                    ("phoneNumber[]", "12abc"),
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("value=\"Zoé\""))
            #expect(refused.body.string.contains("12abc"))
            #expect(refused.body.string.contains("phones-error"))
            let nameless = try await admin.post(Paths.contacts.path, pairs: [("notes", "no name")])
            #expect(nameless.status == .unprocessableEntity)
            #expect(nameless.body.string.contains("displayName-error"))
            #expect(try await count(app) == 3)
            // Short codes are unique.
            _ = try await ContactService(db: app.db).create(
                Contact(lastName: "Speedy", shortCode: "7"), in: [],
                by: .init(
                    user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil))
            let taken = try await admin.post(Paths.contacts.path, pairs: [("lastName", "Other"), ("shortCode", "7")])
            #expect(taken.status == .conflict)
            #expect(taken.body.string.contains("shortCode-error"))
        }
    }

    @Test("selection: add to and remove from a group, delete asks first and says how many")
    func selection() async throws {
        try await withApp { app in
            let w = try await world(app)
            let admin = try await signedIn(app, "admin")
            try await admin.get(Paths.contacts.path)
            let ids = [w.inA.id!, w.inC.id!].map { ("ids[]", $0.uuidString) }
            let added = try await admin.post(
                Paths.contactsSelection.path, pairs: [("action", "add"), ("group", w.b.id!.uuidString)] + ids)
            #expect(added.status == .seeOther)
            #expect(try await ContactGroupModel.find(w.b.id, on: app.db)?.memberCount == 3)
            let flash = try await admin.get(Paths.contacts.path).body.string
            #expect(flash.contains("2 contact(s) added to “Group B”."))
            try await admin.post(
                Paths.contactsSelection.path, pairs: [("action", "remove"), ("group", w.b.id!.uuidString)] + ids)
            #expect(try await ContactGroupModel.find(w.b.id, on: app.db)?.memberCount == 1)

            // Without the browser's question, a page asks.
            let ask = try await admin.post(Paths.contactsSelection.path, pairs: [("action", "delete")] + ids)
            #expect(ask.status == .ok)
            #expect(ask.body.string.contains("Delete 2 contact(s)? This cannot be undone."))
            #expect(ask.body.string.contains("Anne Alpha") && ask.body.string.contains("Cleo Gamma"))
            #expect(try await count(app) == 3)
            let done = try await admin.post(
                Paths.contactsSelection.path, pairs: [("action", "delete"), ("confirmed", "yes")] + ids)
            #expect(done.status == .seeOther)
            #expect(try await count(app) == 1)
            let events = try await AuditEventModel.query(on: app.db).filter(
                \.$action == AuditAction.contactsDeleted.rawValue
            ).all()
            #expect(events.map(\.detail) == ["count=2"])

            let nothing = try await admin.post(Paths.contactsSelection.path, pairs: [("action", "delete")])
            #expect(nothing.status == .seeOther)
            #expect(
                (try await admin.get(Paths.contacts.path)).body.string.contains("Select one or more contacts first."))
        }
    }

    @Test("delete all needs the typed word, keeps linked groups' contacts, and is admin-only")
    func deleteAll() async throws {
        try await withApp { app in
            let w = try await world(app)
            let linked = try await ContactGroupService(db: app.db).create(name: "Google", kind: .linked, by: w.admin)
            let mirrored = ContactModel(Contact(lastName: "Mirrored"))
            try await mirrored.create(on: app.db)
            try await ContactService.add([mirrored], to: [linked], on: app.db)
            let admin = try await signedIn(app, "admin")
            let page = try await admin.get(Paths.contactsDeleteAll.path)
            #expect(page.body.string.contains("This deletes 3 contacts"))
            let wrong = try await admin.post(Paths.contactsDeleteAll.path, ["confirmation": "yes"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(try await count(app) == 4)
            let french = Browser(app)
            french.acceptLanguage = "fr"
            try await french.signIn("admin", TestEnvironment.adminPassword)
            try await french.get(Paths.contactsDeleteAll.path)
            #expect(
                try await french.post(Paths.contactsDeleteAll.path, ["confirmation": "delete"]).status
                    == .unprocessableEntity)
            #expect(
                try await french.post(Paths.contactsDeleteAll.path, ["confirmation": "supprimer"]).status == .seeOther)
            #expect(try await ContactModel.query(on: app.db).all().map(\.displayName) == ["Mirrored"])
        }
    }

    @Test("contact groups: create, refuse a duplicate, rename, DECT limits, rights matrix, delete keeps contacts")
    func groupAdministration() async throws {
        try await withApp { app in
            let w = try await world(app)
            let admin = try await signedIn(app, "admin")
            try await admin.get(Paths.contactGroups.path)
            let created = try await admin.post(
                Paths.contactGroups.path,
                ["name": "Handsets", "kind": "dect", "maximumEntries": "2", "maximumNameLength": "12"])
            #expect(created.status == .seeOther)
            let dect = try #require(try await ContactGroupModel.query(on: app.db).filter(\.$name == "Handsets").first())
            #expect(dect.kind == .dect && dect.dectLimits == DECTLimits(maximumEntries: 2, maximumNameLength: 12))
            let duplicate = try await admin.post(Paths.contactGroups.path, ["name": "Group A", "kind": "standard"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.body.string.contains("A group with this name already exists."))

            // DECT limits are enforced with a message naming them.
            try await admin.get(Paths.contacts.path)
            try await admin.post(
                Paths.contactsSelection.path,
                pairs: [("action", "add"), ("group", dect.id!.uuidString)]
                    + [w.inA, w.inB, w.inC].map { ("ids[]", $0.id!.uuidString) })
            #expect(try await ContactGroupModel.find(dect.id, on: app.db)?.memberCount == 0)
            #expect(
                (try await admin.get(Paths.contacts.path)).body.string.contains(
                    "This DECT group holds at most 2 entries; it would have 3."))

            try await admin.get(Paths.contactGroup.url(dect.id!))
            #expect(
                try await admin.post(
                    Paths.contactGroup.url(dect.id!),
                    ["name": "DECT handsets", "maximumEntries": "5", "maximumNameLength": "2"]
                ).status == .unprocessableEntity)
            #expect(
                try await admin.post(
                    Paths.contactGroup.url(dect.id!),
                    ["name": "DECT handsets", "maximumEntries": "5", "maximumNameLength": "20"]
                ).status == .seeOther)
            let renamed = try #require(try await ContactGroupModel.find(dect.id, on: app.db))
            #expect(renamed.name == "DECT handsets" && renamed.kind == .dect && renamed.dectMaximumEntries == 5)

            // Rights matrix: write + standard for sid on C; standard without write is refused.
            let sid = w.subscriber.id!.uuidString
            try await admin.get(Paths.contactGroup.url(w.c.id!))
            let refused = try await admin.post(
                Paths.contactGroupRights.url(w.c.id!),
                pairs: [("users[]", sid), ("right_\(sid)", "read"), ("standard[]", sid)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("must be one they can write to"))
            let saved = try await admin.post(
                Paths.contactGroupRights.url(w.c.id!),
                pairs: [("users[]", sid), ("right_\(sid)", "write"), ("standard[]", sid)])
            #expect(saved.status == .seeOther)
            let rights = try await GroupRightModel.query(on: app.db).filter(\.$user.$id == w.subscriber.id!).all()
            #expect(rights.filter(\.isStandard).map(\.$group.id) == [w.c.id!])
            #expect(rights.first { $0.$group.id == w.c.id }?.right == .write)
            let audited = try await AuditEventModel.query(on: app.db)
                .filter(\.$action == AuditAction.groupRightsChanged.rawValue).filter(\.$target == "Group C").all()
            #expect(audited.map(\.detail) == ["sid=write+standard"])
            let matrix = try await admin.get(Paths.contactGroup.url(w.c.id!)).body.string
            #expect(matrix.contains("value=\"write\" data-right=\"write\" checked"))

            // Deleting a group keeps its contacts.
            try await admin.post(Paths.contactGroupDelete.url(w.c.id!), ["confirm": "yes"])
            #expect(try await ContactGroupModel.find(w.c.id, on: app.db) == nil)
            #expect(try await ContactModel.find(w.inC.id, on: app.db) != nil)
            #expect(try await admin.get(Paths.contacts.path + "?group=none").body.string.contains("Cleo Gamma"))
        }
    }

    @Test("pages of 50 follow the sort order without repeats; the tabs and the next link keep the filters")
    func pagination() async throws {
        try await withApp { app in
            let w = try await world(app)
            for index in 0..<60 {
                _ = try await ContactService(db: app.db).create(
                    Contact(firstName: "Pat", lastName: String(format: "Member %02d", index)), in: [w.a.requireID()],
                    by: w.admin)
            }
            let admin = try await signedIn(app, "admin")
            let first = try await admin.get(Paths.contacts.path + "?group=\(w.a.id!)&name=pat").body.string
            let names = { (html: String) in
                html.components(separatedBy: "class=\"contact-name\">").dropFirst()
                    .map { String($0.prefix { $0 != "<" }) }
            }
            #expect(names(first).count == 50)
            let next = try #require(
                first.range(of: #"href="([^"]+)" data-testid="next-page""#, options: .regularExpression).map {
                    String(first[$0]).components(separatedBy: "\"")[1].replacingOccurrences(of: "&amp;", with: "&")
                })
            #expect(next.contains("name=pat") && next.contains("group="))
            let second = try await admin.get(next).body.string
            #expect(names(second).count == 10)
            let all = names(first) + names(second)
            #expect(Set(all).count == 60)
            #expect(all == all.sorted())
            #expect(!second.contains("data-testid=\"next-page\""))
        }
    }

    @Test("the tabs are one choice: all, without group or a letter; a group's letters stay in the group")
    func tabsAreOneChoice() async throws {
        try await withApp { app in
            let w = try await world(app)
            let admin = try await signedIn(app, "admin")
            /// The tab row's links (href, current) in order.
            func tabs(_ url: String) async throws -> [(href: String, current: Bool)] {
                let html = try await admin.get(url).body.string
                let row = try #require(html.components(separatedBy: "class=\"tabs\"").dropFirst().first)
                    .components(separatedBy: "</nav>")[0]
                return row.components(separatedBy: "<a href=\"").dropFirst().map { link in
                    (
                        String(link.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&"),
                        link.prefix { $0 != ">" }.contains("aria-current")
                    )
                }
            }
            let path = Paths.contacts.path
            // On a letter, "Without group" drops the letter; exactly one tab is current.
            let onLetter = try await tabs(path + "?tab=B")
            #expect(onLetter.filter(\.current).map(\.href) == [path + "?tab=B"])
            #expect(onLetter[1].href == path + "?group=none")
            // Without group, "All" and the letters leave it.
            let withoutGroup = try await tabs(path + "?group=none")
            #expect(withoutGroup.filter(\.current).map(\.href) == [path + "?group=none"])
            #expect(withoutGroup[0].href == path)
            #expect(withoutGroup.dropFirst(2).allSatisfy { !$0.href.contains("group=") })
            // In a group, "All" and the letters keep the group.
            let inGroup = try await tabs(path + "?group=\(w.a.id!)&tab=A")
            #expect(inGroup.filter(\.current).map(\.href) == [path + "?group=\(w.a.id!)&tab=A"])
            #expect(inGroup[0].href == path + "?group=\(w.a.id!)")
            #expect(inGroup[1].href == path + "?group=none")
        }
    }

    @Test(
        "each row: view, edit where writable, QR code, vCard 2.1, soft call with an extension and a number; back to the list"
    )
    func rowButtons() async throws {
        try await withApp { app in
            let w = try await world(app)
            let sid = try await signedIn(app, "sid")
            let html = try await sid.get(Paths.contacts.path).body.string
            /// The buttons of the row of `id`, by their `data-action`.
            func actions(_ id: UUID) throws -> [String] {
                let row = try #require(html.components(separatedBy: "data-id=\"\(id)\"").dropFirst().first)
                    .components(separatedBy: "</tr>")[0]
                return row.components(separatedBy: "data-action=\"").dropFirst().map {
                    String($0.prefix { $0 != "\"" })
                }
            }
            // Anne (group A, read only), Bert (group B, written by sid): sid has extension 301.
            #expect(try actions(w.inA.id!) == ["view", "qr", "vcard", "call"])
            #expect(try actions(w.inB.id!) == ["view", "edit", "qr", "vcard", "call"])
            #expect(html.contains("aria-label=\"View Anne Alpha\""))
            #expect(
                html.contains("href=\"\(Paths.contactVCard.url(w.inA.id!))\" aria-label=\"vCard 2.1 of Anne Alpha\""))
            #expect(html.contains("data-qr-src=\"\(Paths.contactQRSVG.url(w.inA.id!))\""))
            #expect(html.contains("aria-label=\"Soft call Bert Beta at +49 151 2222222\""))
            // The call button posts the list's form to the contact's call route, and comes back to the list.
            let call = try await sid.post(
                Paths.contactCall.url(w.inB.id!), ["phone": "0", "returnTo": Paths.contacts.path + "?name=bert"])
            #expect(call.headers.first(name: .location) == Paths.contacts.path + "?name=bert")
            let hostile = try await sid.post(
                Paths.contactCall.url(w.inB.id!), ["phone": "0", "returnTo": "https://evil.example/"])
            #expect(hostile.headers.first(name: .location) == Paths.home.path)
            // Without an extension, no call button; a contact without a number has none either.
            let admin = try await signedIn(app, "admin")
            let adminHTML = try await admin.get(Paths.contacts.path).body.string
            #expect(!adminHTML.contains("data-action=\"call\""))
            #expect(adminHTML.contains("data-action=\"edit\""))
        }
    }

    @Test("the list's rows show what a contact holds as text: markup and quotes in any field are escaped")
    func rowsEscapeWhatContactsHold() async throws {
        try await withApp { app in
            let hostile = #"<script>alert("x")</script> O'Brien & <b>Co</b>"#
            let contact = ContactModel(
                Contact(
                    displayName: hostile, company: hostile, jobTitle: hostile,
                    phones: [
                        .init(type: .mobile, number: "+49 151 1111111"), .init(type: .business, number: "0301234"),
                    ],
                    emails: [.init(type: .business, address: #"a"b@example.com"#)],
                    addresses: [PostalAddress(type: .business, city: hostile)]))
            try await contact.create(on: app.db)
            let admin = try await signedIn(app, "admin")
            let html = try await admin.get(Paths.contacts.path).body.string
            let escaped = #"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; &lt;b&gt;Co&lt;/b&gt;"#
            #expect(!html.contains("<script>") && !html.contains("<b>Co"))
            let row = try #require(html.components(separatedBy: "data-id=\"\(contact.id!)\"").dropFirst().first)
                .components(separatedBy: "</tr>")[0]
            // Name (attribute and link), company, job title, city, labels: all escaped, none raw.
            #expect(row.components(separatedBy: escaped).count - 1 >= 5)
            #expect(row.contains(#"a&quot;b@example.com"#))
            #expect(row.contains("aria-label=\"View \(escaped)\""))
            #expect(row.contains("+1</span>"))
        }
    }

    @Test("New contact only for those who may add one; a refused form comes back as typed, without extra rows")
    func newContactOffer() async throws {
        try await withApp { app in
            let w = try await world(app)
            _ = try await app.givenSubscriber("rita", rights: [w.a.id!: .read])
            let rita = try await signedIn(app, "rita")
            #expect(!(try await rita.get(Paths.contacts.path).body.string.contains("data-testid=\"new-contact\"")))
            let offered = try await rita.get(Paths.newContact.path)
            #expect(offered.headers.first(name: .location) == Paths.contacts.path)
            #expect(try await rita.get(Paths.contacts.path).body.string.contains("You cannot add contacts"))

            let sid = try await signedIn(app, "sid")
            #expect(try await sid.get(Paths.contacts.path).body.string.contains("data-testid=\"new-contact\""))
            let form = try await sid.get(Paths.newContact.path).body.string
            #expect(form.components(separatedBy: "data-testid=\"phone-number\"").count - 1 == 2)
            // No name: refused; the rows come back as posted (the number, the empty row), not two more; one e-mail row.
            let refused = try await sid.post(
                Paths.contacts.path,
                pairs: [
                    ("phoneType[]", "mobile"), ("phoneNumber[]", "06 12 34 56 78"), ("phoneType[]", "business"),
                    ("phoneNumber[]", ""), ("emailType[]", "business"), ("emailAddress[]", "x@example.org"),
                ]
            ).body.string
            #expect(refused.contains("Give the contact a name"))
            #expect(refused.contains("value=\"06 12 34 56 78\""))
            #expect(refused.components(separatedBy: "data-testid=\"phone-number\"").count - 1 == 2)
            #expect(refused.components(separatedBy: "name=\"emailAddress[]\"").count - 1 == 1)
        }
    }

    @Test("the selection bar and Delete all appear only where they can act; no removing from a group in Without group")
    func actionsOnlyWhereTheyAct() async throws {
        try await withApp { app in
            _ = try await app.givenAdmin()
            let admin = try await signedIn(app, "admin")
            let empty = try await admin.get(Paths.contacts.path).body.string
            #expect(!empty.contains("data-testid=\"delete-all\"") && !empty.contains("data-testid=\"selection-bar\""))
            let w = try await world(app)
            _ = try await ContactService(db: app.db).create(Contact(displayName: "Nomad"), in: [], by: w.admin)
            let all = try await admin.get(Paths.contacts.path).body.string
            #expect(all.contains("data-testid=\"delete-all\"") && all.contains("data-testid=\"remove-from-group\""))
            let withoutGroup = try await admin.get(Paths.contacts.path + "?group=none").body.string
            #expect(withoutGroup.contains("data-testid=\"add-to-group\""))
            #expect(!withoutGroup.contains("data-testid=\"remove-from-group\""))
            // A filter that finds nothing leaves Delete all (the book is not empty), without a selection bar.
            let none = try await admin.get(Paths.contacts.path + "?name=zzzz").body.string
            #expect(none.contains("data-testid=\"delete-all\"") && !none.contains("data-testid=\"selection-bar\""))
        }
    }

    /// `world`, with a number for Cleo Gamma (in a group sid may not read).
    private func worldWithCleosNumber(_ app: Application) async throws -> World {
        let w = try await world(app)
        _ = try await ContactService(db: app.db).update(
            w.inC.id!,
            with: Contact(
                firstName: "Cleo", lastName: "Gamma", phones: [.init(type: .business, number: "+33 1 11 22 22 22")]),
            groups: [w.c.id!], by: w.admin)
        return w
    }

    @Test("the dialpad lists the contacts a typed number matches, within the user's rights, each callable")
    func dialpadMatches() async throws {
        try await withApp { app in
            _ = try await worldWithCleosNumber(app)
            let sid = try await signedIn(app, "sid")
            let page = try await sid.get(Paths.dialpad.path + "?number=01%2011").body.string
            #expect(page.contains("class=\"match-name\">Anne Alpha<"))
            #expect(page.contains("aria-label=\"Soft call Anne Alpha at +33 1 11 11 11 11\""))
            #expect(!page.contains("Cleo"))
            let one = try await sid.get(Paths.dialpad.path + "?number=0").body.string
            #expect(!one.contains("match-name") && !one.contains("dialpad-no-match"))
            let none = try await sid.get(Paths.dialpad.path + "?number=0999").body.string
            #expect(none.contains("data-testid=\"dialpad-no-match\""))
        }
    }

    @Test("the dialpad finds names through the letters on the keys, within the user's rights")
    func dialpadKeypadNames() async throws {
        try await withApp { app in
            let w = try await worldWithCleosNumber(app)
            let sid = try await signedIn(app, "sid")
            // A-N-N-E, B-E-R-T, and a last name: the word's beginning, any word of the name.
            // Numbers shown grouped the way their country writes them, in the form they were written in.
            _ = try await ContactService(db: app.db).update(
                w.inB.id!,
                with: Contact(
                    firstName: "Bert", lastName: "Beta",
                    phones: [
                        .init(type: .mobile, number: "+33698765432"), .init(type: .business, number: "0478000002"),
                    ]),
                groups: [w.b.id!], by: w.admin)
            let shown = try await sid.get(Paths.contact.url(w.inB.id!)).body.string
            #expect(shown.contains(">+33 6 98 76 54 32<") && shown.contains(">04 78 00 00 02<"))
            #expect(shown.contains("href=\"tel:+33698765432\""))
            #expect(try await sid.get(Paths.contacts.path).body.string.contains(">+33 6 98 76 54 32<"))
            let anne = try await sid.get(Paths.dialpad.path + "?number=2663").body.string
            #expect(anne.contains("class=\"match-name\">Anne Alpha<") && !anne.contains("Bert"))
            let bert = try await sid.get(Paths.dialpad.path + "?number=237").body.string
            #expect(bert.contains("class=\"match-name\">Bert Beta<") && bert.contains("+33 6 98 76 54 32"))
            #expect(try await sid.get(Paths.dialpad.path + "?number=2382").body.string.contains(">Bert Beta<"))
            // Gamma is in a group sid may not read.
            #expect(!(try await sid.get(Paths.dialpad.path + "?number=42662")).body.string.contains("Cleo"))
            // Keys after a "+" are a number, not letters.
            #expect(!(try await sid.get(Paths.dialpad.path + "?number=%2B2663")).body.string.contains("Anne"))
        }
    }

    @Test("vCard 2.1 download and soft call from the contact page")
    func vCardAndCall() async throws {
        try await withApp { app in
            let w = try await world(app)
            let sid = try await signedIn(app, "sid")
            let card = try await sid.get(Paths.contactVCard.url(w.inA.id!))
            #expect(card.status == .ok)
            #expect(card.headers.contentType?.subType == "vcard")
            #expect(card.headers.first(name: .contentDisposition)?.contains("Anne Alpha.vcf") == true)
            let text = card.body.string
            #expect(text.hasPrefix("BEGIN:VCARD\r\nVERSION:2.1\r\n") && text.contains("FN:Anne Alpha"))

            try await sid.get(Paths.contact.url(w.inA.id!))
            let call = try await sid.post(Paths.contactCall.url(w.inA.id!), ["phone": "0"])
            #expect(call.status == .seeOther)
            let page = try await sid.get(Paths.contact.url(w.inA.id!)).body.string
            #expect(page.contains("+33111111111"))
            let audit = try await AuditEventModel.query(on: app.db).filter(
                \.$action == AuditAction.callRequested.rawValue
            ).all()
            #expect(audit.map(\.target) == ["+33111111111"])
            #expect(try await sid.post(Paths.contactCall.url(w.inC.id!), ["phone": "0"]).status == .notFound)
        }
    }

    @Test("a contact photo: PNG or JPEG checked by its bytes, shown to readers, changed only by writers")
    func photo() async throws {
        try await withApp { app in
            let w = try await world(app)
            let admin = try await signedIn(app, "admin")
            try await admin.get(Paths.contact.url(w.inB.id!))
            let jpeg = try Application.fixture("contact-120x90.jpg")
            let saved = try await admin.upload(
                Paths.contactPhoto.url(w.inB.id!), field: "photo", filename: "b.jpg", contentType: "image/jpeg",
                data: jpeg)
            #expect(saved.status == .seeOther)
            let stored = try #require(try await ContactPhotoModel.query(on: app.db).first())
            #expect(stored.mediaType == "image/jpeg" && stored.width == 120 && stored.height == 90)

            // A PNG named .jpg is fine (bytes decide); text named .png is refused and changes nothing.
            try await admin.get(Paths.contact.url(w.inB.id!))
            try await admin.upload(
                Paths.contactPhoto.url(w.inB.id!), field: "photo", filename: "x.png", contentType: "image/png",
                data: Data("not an image".utf8))
            #expect(
                try await admin.get(Paths.contact.url(w.inB.id!)).body.string.contains("must be a PNG or JPEG image"))
            #expect(try await ContactPhotoModel.query(on: app.db).first()?.mediaType == "image/jpeg")

            let sid = try await signedIn(app, "sid")
            let shown = try await sid.get(Paths.contactPhoto.url(w.inB.id!))
            #expect(shown.status == .ok && shown.headers.contentType?.subType == "jpeg")
            #expect(Data(buffer: shown.body) == jpeg)
            // sid reads A but cannot change its photo; C stays invisible.
            try await sid.get(Paths.contact.url(w.inA.id!))
            let refused = try await sid.upload(
                Paths.contactPhoto.url(w.inA.id!), field: "photo", filename: "a.jpg", contentType: "image/jpeg",
                data: jpeg)
            #expect(refused.status == .seeOther)
            #expect(try await ContactPhotoModel.query(on: app.db).count() == 1)
            #expect(try await sid.get(Paths.contactPhoto.url(w.inC.id!)).status == .notFound)

            // Deleting the contact deletes its photo.
            try await admin.get(Paths.contact.url(w.inB.id!))
            try await admin.post(Paths.contactDelete.url(w.inB.id!), ["confirm": "yes"])
            #expect(try await ContactPhotoModel.query(on: app.db).count() == 0)
        }
    }
}
