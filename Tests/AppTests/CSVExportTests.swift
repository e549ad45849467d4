import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// "Exporter le CSV": the legal notice first, only what the user may read, audited, and read back losslessly.
@Suite("Interchange: CSV export")
struct CSVExportTests {
    private func export(_ browser: Browser, _ pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        try await browser.get(Paths.contactsExportCSV.path)
        return try await browser.post(Paths.contactsExportCSV.path, pairs: pairs)
    }

    /// Display names of the rows of an exported file (first column).
    private func names(_ body: ByteBuffer) -> [String] {
        let bytes = Array(body.readableBytesView)
        var reader = CSVReader(utf8: CSVEncoding.utf8.utf8Bytes(of: Data(bytes)), delimiter: .semicolon)
        _ = reader.next()
        return reader.map { $0.cells[0] }
    }

    @Test(
        "without the notice confirmed there is no file; with it, UTF-8 with BOM, ‘;’, the header, and an audit",
        arguments: Storage.allCases)
    func noticeAndFormat(_ storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let form = try await admin.get(Paths.contactsExportCSV.path + "?group=\(w.b.id!.uuidString)").body.string
            #expect(form.contains("data-testid=\"legal-notice\"") && form.contains("specialised dealer") == false)
            #expect(form.contains("dealer or to the manufacturer"))
            let refused = try await export(admin, [("scope", "group"), ("group", w.b.id!.uuidString)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.headers.contentDisposition == nil)
            #expect(refused.body.string.contains("no file was created"))
            let file = try await export(
                admin, [("scope", "group"), ("group", w.b.id!.uuidString), ("delimiter", ";"), ("confirm", "on")])
            #expect(file.status == .ok)
            #expect(file.headers.contentDisposition?.filename == "Group B.csv")
            let bytes = Array(file.body.readableBytesView)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("display_name;title;first_name;middle_name;last_name;suffix;company;"))
            #expect(text.contains(";Émile;;Zola;;Fasquelle & Fils;") && text.contains(";+33 1 23 45 67 89;"))
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "contacts.export").all()
            #expect(audit.count == 1)
            #expect(audit.first?.target == "group=Group B" && audit.first?.detail == "format=csv delimiter=; count=1")
            #expect(audit.first?.actorName == "admin")
        }
    }

    @Test(
        "a subscriber exports only what they may read: all, a letter, never an unreadable group",
        arguments: Storage.allCases)
    func scopeAndRights(_ storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let w = try await InterchangeWorld.make(app)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let all = try await export(sid, [("scope", "all"), ("confirm", "on")])
            #expect(names(all.body).count == 2)
            let body = all.body.string
            #expect(body.contains("Anne") && body.contains("Émile") && !body.contains("Cleo") && !body.contains("Nina"))
            let letter = try await export(sid, [("scope", "letter"), ("letter", "Z"), ("confirm", "on")]).body.string
            #expect(letter.contains("Émile") == false && letter.contains("Anne") == false)
            let letterA = try await export(sid, [("scope", "letter"), ("letter", "A"), ("confirm", "on")]).body.string
            #expect(letterA.contains("Anne") && !letterA.contains("Émile"))
            let hidden = try await export(sid, [("scope", "group"), ("group", w.c.id!.uuidString), ("confirm", "on")])
            #expect(hidden.status == .notFound)
            let events = try await AuditEventModel.query(on: app.db).filter(\.$action == "contacts.export").all()
            #expect(events.map(\.target).sorted { ($0 ?? "") < ($1 ?? "") } == ["all", "letter=A", "letter=Z"])
        }
    }

    @Test(
        "formula cells are neutralised, phone numbers are not, and importing the file gives the same contacts",
        arguments: Storage.allCases)
    func roundTrip(_ storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let w = try await InterchangeWorld.make(app)
            let contacts = ContactService(db: app.db)
            let tricky = Contact(
                firstName: "=cmd", lastName: "Tricky", company: "@Acme", department: "-Ops", notes: "+1+1\nline 2",
                phones: [
                    .init(type: .business, number: "+33 1 99 99 99 99"),
                    .init(type: .mobile, number: "06 99 99 99 99", preferred: true),
                ],
                emails: [.init(type: .private, address: "t@tricky.example")])
            _ = try await contacts.create(tricky, in: [w.a.requireID()], by: w.admin)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let file = try await export(
                admin, [("scope", "group"), ("group", w.a.id!.uuidString), ("delimiter", ","), ("confirm", "on")])
            let text = file.body.string
            #expect(text.contains(",'=cmd,,Tricky,,'@Acme,'-Ops,") && text.contains(",+33 1 99 99 99 99,"))
            #expect(text.contains("\"'+1+1\nline 2\""))
            // when: the file goes back in, into a fresh group, keeping both
            let copy = try await ContactGroupService(db: app.db).create(name: "Copy", kind: .standard, by: w.admin)
            _ = try await admin.get(Paths.contactsImportCSV.path)
            let preview = try await admin.upload(
                Paths.contactsImportCSV.path, field: "file", filename: "a.csv", contentType: "text/csv",
                data: Data(file.body.readableBytesView))
            #expect(preview.body.string.contains("Suggested template for this header row: Switchboard."))
            let report = try await admin.post(
                Paths.contactsImportCSVPreview.path,
                pairs: [("action", "import"), ("duplicates", "keep"), ("groups[]", copy.id!.uuidString)])
            #expect(report.body.string.contains("data-testid=\"csv-created\">2<"))
            // then: the copies equal the originals
            let originals = try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == w.a.id!)
                .with(\.$contact).all().map { $0.contact.toDomain() }
            let copies = try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == copy.id!)
                .with(\.$contact).all().map { $0.contact.toDomain() }
            let key = { (contact: Contact) in contact.resolvedDisplayName ?? "" }
            #expect(originals.sorted { key($0) < key($1) } == copies.sorted { key($0) < key($1) })
            #expect(copies.contains(tricky))
        }
    }

    @Test("read straight from an SQLite file, the export is the very file Fluent writes, across batches")
    func fileReaderMatchesFluent() async throws {
        try await withApp(on: .sqliteFile) { app in
            let w = try await InterchangeWorld.make(app)
            // More contacts than one batch, numbers in a set order, address parts missing or empty.
            var contacts = (0..<(CSVBatches.batchSize * 2 + 500)).map { index in
                Contact(
                    firstName: "Person", lastName: "N\(index)", company: index % 3 == 0 ? nil : "Firm \(index % 7)",
                    phones: [
                        .init(type: .mobile, number: "+33 6 00 00 \(index)"),
                        .init(type: .business, number: "01 00 00 \(index)", preferred: index % 2 == 0),
                        .init(type: .private, number: "04 00 00 \(index)"),
                    ],
                    emails: index % 4 == 0 ? [] : [.init(type: .business, address: "p\(index)@example.com")],
                    addresses: [.init(type: .business, street: index % 5 == 0 ? "" : nil, city: "Lyon", country: "FR")])
            }
            // The separators SQLite's flattening uses, inside values: those lists are read from their JSON.
            contacts.append(
                Contact(
                    firstName: "Sep", lastName: "Arator", notes: "a\u{1E}b",
                    phones: [.init(type: .business, number: "01\u{1F}02"), .init(type: .mobile, number: "06 12")],
                    addresses: [.init(type: .private, street: "1 \"rue\"; x\u{1E}y\nz", city: "Émile-ville")]))
            try await contacts.map { ContactModel($0) }.create(on: app.db)

            // Every row read without JSONDecoder is the contact Fluent's model decodes.
            let models = try await ContactModel.query(on: app.db).all()
            let rows = try await (app.db as! any SQLDatabase).raw(
                "SELECT id, \(unsafeRaw: ContactBulkInsert.domainColumns) FROM contacts"
            ).all()
            let byID = Dictionary(uniqueKeysWithValues: try models.map { (try $0.requireID(), $0.toDomain()) })
            #expect(rows.count == models.count)
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                #expect(try ContactBulkInsert.contact(from: row, sqlite: true) == byID[id])
                #expect(try ContactBulkInsert.contact(from: row, sqlite: false) == byID[id])
            }

            let actor = w.admin
            let direct = CSVExportService(db: app.db, sqliteFile: app.sqliteFile)
            let fluent = CSVExportService(db: app.db)
            for scope: CSVExportService.Scope in [.all, .letter("N"), .group(try w.a.requireID())] {
                let export = try await direct.prepare(scope, delimiter: .semicolon, by: actor)
                let read = try await direct.file(of: export, delimiter: .semicolon)
                let expected = try await fluent.file(of: export, delimiter: .semicolon)
                #expect(read == expected, "\(scope)")
            }
            let all = try await direct.file(
                of: try await direct.prepare(.all, delimiter: .comma, by: actor), delimiter: .comma)
            let text = String(decoding: all, as: UTF8.self)
            #expect(text.contains("01\u{1F}02") && text.contains("x\u{1E}y"))
            #expect(text.contains(",+33 6 00 00 2499,") && text.contains(",01 00 00 2499,"))
            var reader = CSVReader(utf8: CSVEncoding.utf8.utf8Bytes(of: all), delimiter: .comma)
            _ = reader.next()
            #expect(reader.reduce(0) { count, _ in count + 1 } == (try await ContactModel.query(on: app.db).count()))
        }
    }

    @Test("the command line exports a group to a file, and imports it back with a report")
    func commandLine() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sb-\(UUID().uuidString).csv").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await app.runCommand(["contacts", "export", "--group", "Group A", "--output", path])
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(String(decoding: data, as: UTF8.self).contains("Anne"))
            _ = try await ContactGroupService(db: app.db).create(name: "Imported", kind: .standard, by: w.admin)
            try await app.runCommand(
                [
                    "contacts", "import", path, "--template", "switchboard", "--group", "Imported", "--duplicates",
                    "keep",
                ])
            let imported = try await ContactGroupModel.query(on: app.db).filter(\.$name == "Imported").first()
            #expect(imported?.memberCount == 1)
        }
    }
}

@Suite("Interchange: vCard from the command line")
struct VCardCommandLineTests {
    @Test("export --format vcard --version 4.0 writes a group's cards; import tells a vCard file by its content")
    func vCardRoundTrip() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sb-\(UUID().uuidString).txt").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await app.runCommand(
                ["contacts", "export", "--format", "vcard", "--version", "4.0", "--group", "Group B", "--output", path])
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            #expect(text.hasPrefix("BEGIN:VCARD\r\nVERSION:4.0\r\n") && text.contains("Émile"))
            #expect(!text.contains("Anne"))
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "contacts.export").all()
            #expect(audit.count == 1 && audit[0].detail?.contains("4.0") == true)
            // The same file, named .txt, goes back in through the vCard import (no CSV option applies).
            _ = try await ContactGroupService(db: app.db).create(name: "Cards", kind: .standard, by: w.admin)
            try await app.runCommand(["contacts", "import", path, "--group", "Cards"])
            let cards = try await ContactGroupModel.query(on: app.db).filter(\.$name == "Cards").first()
            #expect(cards?.memberCount == 1)
            let emile = try await ContactModel.query(on: app.db).filter(\.$lastName == w.emile.lastName ?? "").all()
            #expect(emile.count == 2)
        }
    }

    @Test("a file is a vCard by its first line, in any case and with a BOM or in UTF-16")
    func tellsVCardFiles() {
        #expect(VCardReader.isVCard(Data("\u{FEFF}\r\nbegin:vcard\r\nVERSION:3.0\r\n".utf8)))
        #expect(
            VCardReader.isVCard(
                Data([0xFF, 0xFE] + "BEGIN:VCARD\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })))
        #expect(!VCardReader.isVCard(Data("name,phone\nBEGIN:VCARD,1\n".utf8)))
        #expect(!VCardReader.isVCard(Data()))
    }
}

extension Application {
    /// Runs a `switchboard` command in-process, as `Application.execute` does.
    func runCommand(_ arguments: [String]) async throws {
        var context = CommandContext(console: console, input: CommandInput(arguments: ["switchboard"] + arguments))
        context.application = self
        try await console.run(asyncCommands.group(), with: context)
    }
}
