import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// "Importer la vCard" through the page and the API: one transaction, a report, the rights of the groups.
@Suite("Interchange: vCard import")
struct ContactVCardImportTests {
    static var mixed: Data { get throws { try Application.fixture("mixed-address-book.vcf") } }

    private func upload(
        _ browser: Browser, _ data: Data, groups: [ContactGroupModel], filename: String = "contacts.vcf"
    ) async throws -> TestingHTTPResponse {
        try await browser.get(Paths.contactsImport.path)
        return try await browser.upload(
            Paths.contactsImport.path, field: "file", filename: filename, contentType: "text/vcard", data: data,
            fields: groups.map { ("groups[]", $0.id!.uuidString) })
    }

    private func contact(_ app: Application, named name: String) async throws -> ContactModel? {
        try await ContactModel.query(on: app.db).filter(\.$displayName == name).first()
    }

    @Test("a file of many cards, broken ones included: the good cards land in the group, the report gives lines")
    func mixedFile() async throws {
        try await withApp { app in
            // given
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let before = try await InterchangeWorld.count(app)
            // when
            let report = try await upload(admin, try Self.mixed, groups: [w.a])
            // then
            #expect(report.status == .ok)
            let page = report.body.string
            #expect(page.contains("data-testid=\"import-created\">5<"))
            #expect(page.contains("data-testid=\"import-refused\">0<"))
            #expect(page.contains("data-testid=\"import-problems\">4<"))
            for line in [
                "<td>1</td><td>Text outside any card", "<td>46</td><td>The card has no END:VCARD",
                "<td>57</td><td>Text outside any card", "<td>58</td><td>A card with no name",
            ] {
                #expect(page.contains(line), "\(line)")
            }
            #expect(page.contains("URL kept in the notes: http://www.mueller-soehne.example"))
            #expect(page.contains("NICKNAME kept in the notes: Mimi"))
            #expect(page.contains("TEL kept in the notes: ask the operator"))
            #expect(try await InterchangeWorld.count(app) == before + 5)

            let juergen = try #require(try await contact(app, named: "Dr. Jürgen Müller"))
            #expect(juergen.company == "Müller & Söhne GmbH" && juergen.department == "Vertrieb")
            #expect(juergen.phones.first?.number == "+49 89 1234-567")
            #expect(juergen.notes == "URL: http://www.mueller-soehne.example")
            #expect(try await ContactService(db: app.db).groups(of: juergen.id!).map(\.name) == ["Group A"])
            let amelie = try #require(try await contact(app, named: "Amélie Dupont"))
            #expect(amelie.phones == [PhoneEntry(type: .mobile, number: "06 12 34 56 78", preferred: true)])
            let photo = try await ContactPhotoModel.query(on: app.db).filter(\.$contact.$id == amelie.id!).first()
            #expect(photo?.data == (try Application.fixture("contact-120x90.jpg")))
            #expect(try await contact(app, named: "Paul Martin")?.phones.first?.number == "01 23 45 67 89")
            let reception = try #require(try await contact(app, named: "Standard Reception"))
            #expect(reception.phones.map(\.type) == [.businessFax])
            let zoe = try #require(try await contact(app, named: "Zoë Leclerc"))
            #expect(zoe.addresses.first?.city == "Lyon")
            // The extension is part of the number (#18): stored whole, nothing left in the notes.
            #expect(zoe.phones.map(\.number) == ["+33 4 72 00 00 01 ext. 204"])
            #expect(zoe.notes == nil)
            #expect(try await ContactGroupModel.find(w.a.id, on: app.db)?.memberCount == 6)

            let audit = try #require(
                try await AuditEventModel.query(on: app.db).filter(\.$action == AuditAction.contactsImported.rawValue)
                    .first())
            #expect(audit.actorName == "admin" && audit.target == "Group A")
            #expect(audit.detail == "format=vcard created=5 refused=0 problems=4")
        }
    }

    @Test("a file that is not a vCard, or no file, changes nothing and says so next to the field")
    func notVCard() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let before = try await InterchangeWorld.count(app)
            for (data, name) in [
                (try Application.fixture("avatar-128.png"), "photo.png"),
                (Data("Name;Number\nAnne;0123\n".utf8), "a.csv"),
                (Data(), "empty.vcf"),
            ] {
                let refused = try await upload(admin, data, groups: [w.a], filename: name)
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("This file holds no vCard"))
                #expect(refused.body.string.contains("data-testid=\"import-form\""))
            }
            #expect(try await InterchangeWorld.count(app) == before)
            let audit = try await AuditEventModel.query(on: app.db)
                .filter(\.$action == AuditAction.contactsImported.rawValue).count()
            #expect(audit == 0)
        }
    }

    @Test("above SWITCHBOARD_IMPORT_MAX_MB the import page says the limit, in memory and over a real connection")
    func tooLarge() async throws {
        var config = TestEnvironment.config()
        config.importMaximumBytes = 1_000_000
        try await withApp(config: config) { app in
            let w = try await InterchangeWorld.make(app)
            let card = VCardWriter.write(
                Contact(firstName: "Big", lastName: "File", notes: String(repeating: "x", count: 900)))
            let large = Data(String(repeating: card, count: 1_500).utf8)
            #expect(large.count > 1_100_000)
            for live in [false, true] {
                let admin = try await InterchangeWorld.signedIn(app, "admin", live: live)
                let before = try await InterchangeWorld.count(app)
                let refused = try await upload(admin, large, groups: [w.a])
                #expect(try await InterchangeWorld.count(app) == before)
                guard !live else {
                    // The live client follows the redirect to the import page, without the session cookie:
                    // it lands on the sign-in page that leads back there. The server answered at once.
                    #expect(refused.body.string.contains("name=\"next\" value=\"\(Paths.contactsImport.path)\""))
                    continue
                }
                #expect(refused.status == .seeOther)
                #expect(refused.headers.first(name: .location) == Paths.contactsImport.path)
                let page = try await admin.get(Paths.contactsImport.path).body.string
                #expect(page.contains("The file is larger than 1 MB, the largest import allowed"))
            }
            let api = try await InterchangeWorld.api(
                app, .POST, "/api/v1/contacts/import", token: w.adminToken, contentType: "text/vcard", body: large)
            #expect(api.status == .payloadTooLarge)
            #expect(InterchangeWorld.json(api)["code"] as? String == "import_too_large")
            // Just under the limit goes through.
            let fits = Data(String(repeating: card, count: 900).utf8)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            #expect(try await upload(admin, fits, groups: [w.b]).body.string.contains("import-created\">900<"))
        }
    }

    @Test("a subscriber imports into groups they write (their standard group by default), never elsewhere")
    func subscriberRights() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let list = try await sid.get(Paths.contacts.path).body.string
            #expect(list.contains("href=\"\(Paths.contactsImport.path)\""))
            let form = try await sid.get(Paths.contactsImport.path).body.string
            #expect(form.contains("data-group-name=\"Group B\"") && form.contains("data-group-name=\"Handsets\""))
            #expect(!form.contains("Group A") && !form.contains("Group C"))
            #expect(form.contains("value=\"\(w.b.id!)\" checked"))

            let card = Data(VCardWriter.write(Contact(firstName: "Sub", lastName: "Card")).utf8)
            let before = try await InterchangeWorld.count(app)
            #expect(try await upload(sid, card, groups: [w.a]).status == .forbidden)
            #expect(try await upload(sid, card, groups: [w.c]).status == .notFound)
            #expect(try await InterchangeWorld.count(app) == before)
            let report = try await upload(sid, card, groups: [])
            #expect(report.body.string.contains("import-created\">1<"))
            let imported = try #require(try await contact(app, named: "Sub Card"))
            #expect(try await ContactService(db: app.db).groups(of: imported.id!).map(\.name) == ["Group B"])

            let rita = try await InterchangeWorld.signedIn(app, "rita")
            #expect(!(try await rita.get(Paths.contacts.path).body.string.contains(Paths.contactsImport.path)))
            #expect(try await rita.get(Paths.contactsImport.path).status == .forbidden)
        }
    }

    @Test("admins may import into no group; a subscriber without standard group must choose one")
    func noGroup() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let card = Data(VCardWriter.write(Contact(firstName: "Free", lastName: "Floating")).utf8)
            #expect(try await upload(admin, card, groups: []).body.string.contains("Imported into no group."))
            let free = try #require(try await contact(app, named: "Free Floating"))
            #expect(try await ContactService(db: app.db).groups(of: free.id!).isEmpty)

            try await ContactGroupService(db: app.db).setRight(
                .write, isStandard: false,
                for: try #require(try await UserModel.find(username: "sid", on: app.db)).requireID(),
                on: w.b.requireID(), by: w.admin)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let refused = try await upload(sid, card, groups: [])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Choose at least one group"))
        }
    }

    @Test("a DECT group's limits refuse cards one by one and keep the others; short codes and photos are checked")
    func limits() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let names = ["Ann Short", "Bartholomew Longname", "Cy Short", "Di Short", "Ed Short"]
            var file = names.map { name in
                let parts = name.split(separator: " ").map(String.init)
                return VCardWriter.write(Contact(firstName: parts[0], lastName: parts[1]))
            }.joined()
            // A short code someone has (Émile's 42), and a photo too small for the photo rules.
            file += VCardWriter.write(
                Contact(firstName: "Code", lastName: "Clash", shortCode: "42"),
                photo: try Application.fixture("tiny-16.png"))
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let report = try await upload(sid, Data(file.utf8), groups: [w.d]).body.string
            #expect(report.contains("import-created\">3<") && report.contains("import-refused\">3<"))
            #expect(report.contains("“Bartholomew Longname” is too long for DECT handsets (at most 12 characters)."))
            #expect(report.contains("<td>Ed Short</td><td>This DECT group holds at most 3 entries; it would have 4."))
            #expect(report.contains("<td>Code Clash</td>") && !report.contains("<td>Di Short</td>"))
            #expect(try await ContactGroupModel.find(w.d.id, on: app.db)?.memberCount == 3)

            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let second = try await upload(admin, Data(file.utf8), groups: [w.a]).body.string
            #expect(second.contains("Short code 42 is not available"))
            #expect(second.contains("Photo not kept"))
            let clash = try #require(try await contact(app, named: "Code Clash"))
            #expect(clash.shortCode == nil && clash.notes == "X-SWITCHBOARD-SHORTCODE: 42")
            #expect(try await ContactPhotoModel.query(on: app.db).filter(\.$contact.$id == clash.id!).count() == 0)
        }
    }

    @Test("the API imports a text/vcard body into groupIds and answers with the report")
    func api() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            func post(_ query: String, _ token: String, _ body: Data) async throws -> TestingHTTPResponse {
                try await InterchangeWorld.api(
                    app, .POST, "/api/v1/contacts/import" + query, token: token, contentType: "text/vcard", body: body)
            }
            let response = try await post("?groupIds=\(w.b.id!)&groupIds=\(w.d.id!)", w.sidToken, try Self.mixed)
            #expect(response.status == .ok)
            let report = InterchangeWorld.json(response)
            // Handsets takes names of 12 characters at most: three of the five are refused.
            #expect(report["created"] as? Int == 2 && report["refused"] as? Int == 3)
            let problems = report["problems"] as? [[String: Any]] ?? []
            #expect(problems.map { $0["line"] as? Int } == [1, 46, 57, 58])
            #expect(
                problems.map { $0["code"] as? String } == [
                    "outside_card", "missing_end", "outside_card", "name_missing",
                ])
            let refusals = report["refusals"] as? [[String: Any]] ?? []
            #expect(refusals.map { $0["line"] as? Int } == [2, 12, 50])
            #expect(refusals.map { $0["code"] as? String } == Array(repeating: "dect_name_too_long", count: 3))
            #expect(
                refusals.map { $0["displayName"] as? String } == [
                    "Dr. Jürgen Müller", "Amélie Dupont", "Standard Reception",
                ])
            let contacts = report["contacts"] as? [[String: Any]] ?? []
            #expect(contacts.compactMap { $0["displayName"] as? String } == ["Paul Martin", "Zoë Leclerc"])
            #expect(contacts.compactMap { $0["line"] as? Int } == [46, 62])
            #expect(
                Set((report["groups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }) == [
                    "Group B", "Handsets",
                ])

            let full = InterchangeWorld.json(try await post("?groupIds=\(w.a.id!)", w.adminToken, try Self.mixed))
            #expect(full["created"] as? Int == 5)
            let amelie = (full["contacts"] as? [[String: Any]] ?? []).first {
                $0["displayName"] as? String == "Amélie Dupont"
            }
            let notices = amelie?["notices"] as? [[String: Any]] ?? []
            #expect(
                notices.contains {
                    $0["code"] as? String == "kept_in_notes" && $0["property"] as? String == "NICKNAME"
                        && $0["value"] as? String == "Mimi"
                        && $0["title"] as? String == "NICKNAME kept in the notes: Mimi"
                })

            let card = Data(VCardWriter.write(Contact(firstName: "Api", lastName: "Card")).utf8)
            #expect(try await post("?groupIds=\(w.a.id!)", w.sidToken, card).status == .forbidden)
            #expect(try await post("?groupIds=\(w.c.id!)", w.sidToken, card).status == .notFound)
            let notVCard = try await post("", w.sidToken, Data("hello".utf8))
            #expect(notVCard.status == .unprocessableEntity)
            #expect(InterchangeWorld.json(notVCard)["code"] as? String == "not_vcard")
            let standard = InterchangeWorld.json(try await post("", w.sidToken, card))
            #expect((standard["groups"] as? [[String: Any]])?.first?["name"] as? String == "Group B")
        }
    }

    @Test("export then import gives the same contacts, photo included")
    func roundTrip() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            for version in VCardVersion.allCases {
                let exported = try await admin.get(
                    Paths.contactsVCard.path + "?group=\(w.b.id!)&version=\(version.rawValue)")
                let target = try await ContactGroupService(db: app.db).create(
                    name: "Copy \(version.rawValue)", kind: .standard, by: w.admin)
                let report = try await upload(admin, Data(exported.body.readableBytesView), groups: [target])
                #expect(report.body.string.contains("import-created\">1<"))
                let copy = try #require(
                    try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == target.id!).first())
                let model = try #require(try await ContactModel.find(copy.$contact.id, on: app.db))
                var expected = w.emile.toDomain()
                // The speed-dial code is unique: the copy keeps it in its notes.
                expected.shortCode = nil
                expected.notes = "Prefers letters\nX-SWITCHBOARD-SHORTCODE: 42"
                #expect(model.toDomain() == expected)
                let photo = try await ContactPhotoModel.query(on: app.db).filter(\.$contact.$id == model.id!).first()
                #expect(photo?.data == (try Application.fixture("contact-120x90.jpg")))
            }
        }
    }

    @Test("SWITCHBOARD_IMPORT_MAX_MB: 20 MB by default, whole megabytes from 1 to 1000")
    func configuration() throws {
        #expect(try AppConfig.fromEnvironment([:]).importMaximumBytes == 20_000_000)
        #expect(try AppConfig.fromEnvironment(["SWITCHBOARD_IMPORT_MAX_MB": "5"]).importMaximumBytes == 5_000_000)
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["SWITCHBOARD_IMPORT_MAX_MB": "0"]) }
    }
}
