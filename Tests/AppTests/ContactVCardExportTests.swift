import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// vCard downloads: one contact in 2.1, 3.0 or 4.0, and one file for a group, all contacts or a selection.
@Suite("Interchange: vCard export")
struct ContactVCardExportTests {
    private func cards(_ response: TestingHTTPResponse) -> [VCardCard] {
        VCardReader.read(Data(response.body.readableBytesView)).cards
    }

    private func names(_ response: TestingHTTPResponse) -> [String] {
        cards(response).compactMap(\.contact.resolvedDisplayName)
    }

    @Test("one contact: 2.1 by default with its photo, 3.0 and 4.0 on request; it reads back as the same contact")
    func oneContact() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let photo = try Application.fixture("contact-120x90.jpg")
            for (query, version) in [
                ("", "2.1"), ("?version=2.1", "2.1"), ("?version=3.0", "3.0"), ("?version=4.0", "4.0"),
            ] {
                let response = try await sid.get(Paths.contactVCard.url(w.emile.id!) + query)
                #expect(response.status == .ok)
                #expect(response.headers.contentType?.subType == "vcard")
                #expect(
                    response.headers.first(name: .contentDisposition)?.contains("filename=\"Emile Zola.vcf\"") == true)
                #expect(response.body.string.hasPrefix("BEGIN:VCARD\r\nVERSION:\(version)\r\n"))
                let card = try #require(cards(response).first)
                #expect(card.contact == w.emile.toDomain())
                #expect(card.photo == photo)
            }
            #expect(try await sid.get(Paths.contactVCard.url(w.emile.id!) + "?version=5.0").status == .badRequest)
            #expect(try await sid.get(Paths.contactVCard.url(w.cleo.id!) + "?version=3.0").status == .notFound)
            let page = try await sid.get(Paths.contact.url(w.emile.id!)).body.string
            #expect(page.contains("href=\"\(Paths.contactVCard.url(w.emile.id!))?version=4.0\""))
        }
    }

    @Test("a group, all contacts or those without group as one file, only what the user may read, audited")
    func scopes() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let all = try await admin.get(Paths.contactsVCard.path)
            #expect(names(all) == ["Anne Alpha", "Cleo Gamma", "Émile Zola", "Nina Nogroup"])
            #expect(all.headers.first(name: .contentDisposition)?.contains("filename=\"contacts.vcf\"") == true)
            let group = try await admin.get(Paths.contactsVCard.path + "?group=\(w.b.id!)&version=3.0")
            #expect(names(group) == ["Émile Zola"])
            #expect(cards(group).first?.photo != nil && group.body.string.contains("VERSION:3.0"))
            #expect(group.headers.first(name: .contentDisposition)?.contains("filename=\"Group B.vcf\"") == true)
            #expect(names(try await admin.get(Paths.contactsVCard.path + "?group=none")) == ["Nina Nogroup"])

            let sid = try await InterchangeWorld.signedIn(app, "sid")
            #expect(names(try await sid.get(Paths.contactsVCard.path)) == ["Anne Alpha", "Émile Zola"])
            #expect(try await sid.get(Paths.contactsVCard.path + "?group=\(w.c.id!)").status == .notFound)
            #expect(try await sid.get(Paths.contactsVCard.path + "?group=none").status == .notFound)
            #expect(try await sid.get(Paths.contactsVCard.path + "?group=nonsense").status == .notFound)

            let audit = try await AuditEventModel.query(on: app.db)
                .filter(\.$action == AuditAction.contactsExported.rawValue).sort(\.$occurredAt).all()
            #expect(audit.count == 4)
            #expect(audit.map(\.target).prefix(2) == ["all", "group=Group B"])
            #expect(audit.first?.detail == "format=vcard version=2.1 count=4")
            #expect(audit.last?.actorName == "sid")
        }
    }

    @Test("the list offers the scope's file and the selection's; a selection with a hidden contact exports nothing")
    func listAndSelection() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let list = try await sid.get(Paths.contacts.path + "?group=\(w.b.id!)").body.string
            #expect(list.contains("href=\"\(Paths.contactsVCard.path)?group=\(w.b.id!)\""))
            #expect(list.contains("name=\"action\" value=\"export\""))

            let selected = try await sid.post(
                Paths.contactsSelection.path,
                pairs: [
                    ("action", "export"), ("ids[]", w.emile.id!.uuidString), ("ids[]", w.anne.id!.uuidString),
                    ("version", "4.0"),
                ])
            #expect(selected.status == .ok)
            #expect(names(selected) == ["Anne Alpha", "Émile Zola"])
            #expect(selected.body.string.contains("VERSION:4.0"))
            let hidden = try await sid.post(
                Paths.contactsSelection.path,
                pairs: [("action", "export"), ("ids[]", w.anne.id!.uuidString), ("ids[]", w.cleo.id!.uuidString)])
            #expect(hidden.status == .notFound)
            #expect(!hidden.body.string.contains("BEGIN:VCARD"))
            let audit = try await AuditEventModel.query(on: app.db)
                .filter(\.$action == AuditAction.contactsExported.rawValue).all()
            #expect(audit.map(\.target) == ["selection"])
        }
    }

    @Test("the API: one contact, a scope and a selection, with the same rights")
    func api() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            func get(_ path: String, _ token: String) async throws -> TestingHTTPResponse {
                try await InterchangeWorld.api(app, .GET, path, token: token)
            }
            let one = try await get("/api/v1/contacts/\(w.emile.id!)/vcard?version=3.0", w.sidToken)
            #expect(one.status == .ok && one.headers.contentType?.subType == "vcard")
            #expect(one.body.string.contains("VERSION:3.0") && one.body.string.contains("PHOTO;ENCODING=b"))
            #expect(try await get("/api/v1/contacts/\(w.cleo.id!)/vcard", w.sidToken).status == .notFound)

            #expect(names(try await get("/api/v1/contacts/vcard", w.sidToken)) == ["Anne Alpha", "Émile Zola"])
            #expect(names(try await get("/api/v1/contacts/vcard?group=\(w.a.id!)", w.sidToken)) == ["Anne Alpha"])
            #expect(try await get("/api/v1/contacts/vcard?group=\(w.c.id!)", w.sidToken).status == .notFound)
            #expect(try await get("/api/v1/contacts/vcard?withoutGroup=true", w.sidToken).status == .notFound)
            #expect(names(try await get("/api/v1/contacts/vcard?withoutGroup=true", w.adminToken)) == ["Nina Nogroup"])
            let both = try await get("/api/v1/contacts/vcard?withoutGroup=true&group=\(w.a.id!)", w.adminToken)
            #expect(both.status == .unprocessableEntity)

            let selection = try await InterchangeWorld.api(
                app, .POST, "/api/v1/contacts/vcard", token: w.sidToken, contentType: "application/json",
                body: Data(#"{"ids":["\#(w.emile.id!)","\#(w.anne.id!)"],"version":"4.0"}"#.utf8))
            #expect(selection.status == .ok && names(selection) == ["Anne Alpha", "Émile Zola"])
            let refused = try await InterchangeWorld.api(
                app, .POST, "/api/v1/contacts/vcard", token: w.sidToken, contentType: "application/json",
                body: Data(#"{"ids":["\#(w.cleo.id!)"]}"#.utf8))
            #expect(refused.status == .notFound)
            #expect(InterchangeWorld.json(refused)["code"] as? String == "not_found")
        }
    }

    @Test("a large group streams out whole and in order", arguments: Storage.allCases)
    func large(_ storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let w = try await InterchangeWorld.make(app)
            var data = SampleData(seed: 7)
            let models = (0..<450).map { _ in ContactModel(data.contact()) }
            try await models.create(on: app.db)
            try await ContactService.add(models, to: [w.c], on: app.db)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let file = try await admin.get(Paths.contactsVCard.path + "?group=\(w.c.id!)")
            let exported = names(file)
            #expect(exported.count == 451)
            let names = Dictionary(uniqueKeysWithValues: (models + [w.cleo]).map { ($0.id!, $0.displayName) })
            let expected = try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == w.c.id!)
                .sort(\.$sortKey).sort(\.$contact.$id).all().map { names[$0.$contact.id] ?? "" }
            #expect(exported == expected)
            // Read from the SQLite file or through the database, batch after batch, the file is the same.
            let ids = models.map { $0.id! } + [w.cleo.id!]
            let photo = Data([0x89, 0x50, 0x4E, 0x47] + Array(repeating: 7, count: 40))
            try await ContactPhotoModel(
                contactID: ids[3], mediaType: "image/png", data: photo, width: 1, height: 1
            ).create(on: app.db)
            var direct: [UInt8] = []
            var fluent: [UInt8] = []
            for try await batch in app.contactExport(sqliteFile: app.sqliteFile).vCards(of: ids, version: .v30) {
                direct += batch
            }
            for try await batch in app.contactExport(sqliteFile: nil).vCards(of: ids, version: .v30) { fluent += batch }
            #expect(direct == fluent)
            let text = String(decoding: direct, as: UTF8.self)
            #expect(text.components(separatedBy: "BEGIN:VCARD").count == ids.count + 1)
            #expect(text.contains("PHOTO;ENCODING=b;TYPE=PNG:"))
        }
    }
}

extension Application {
    fileprivate func contactExport(sqliteFile: String?) -> ContactExportService {
        ContactExportService(db: db, sqliteFile: sqliteFile)
    }
}
