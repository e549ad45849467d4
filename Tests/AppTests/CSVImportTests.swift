import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// "Importation CSV": upload → preview → confirm, one transaction, duplicates, rights, size limit.
@Suite("Interchange: CSV import")
struct CSVImportTests {
    private func upload(_ browser: Browser, _ data: Data, fields: [(String, String)] = []) async throws
        -> TestingHTTPResponse
    {
        try await browser.get(Paths.contactsImportCSV.path)
        return try await browser.upload(
            Paths.contactsImportCSV.path, field: "file", filename: "contacts.csv", contentType: "text/csv", data: data,
            fields: fields)
    }

    private func confirm(
        _ browser: Browser, groups: [ContactGroupModel], duplicates: String, fields: [(String, String)] = []
    ) async throws -> TestingHTTPResponse {
        try await browser.post(
            Paths.contactsImportCSVPreview.path,
            pairs: fields + [("action", "import"), ("duplicates", duplicates)]
                + groups.map { ("groups[]", $0.id!.uuidString) })
    }

    private var onSQLite: Bool {
        if case .sqliteMemory = TestEnvironment.database { return true }
        return false
    }

    private func named(_ app: Application, _ name: String) async throws -> [ContactModel] {
        try await ContactModel.query(on: app.db).filter(\.$displayName == name).all()
    }

    @Test("a French Outlook file: the preview suggests Outlook and shows the problem row; confirming imports it")
    func previewThenImport() async throws {
        try await withApp { app in
            // given
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let before = try await InterchangeWorld.count(app)
            // when
            let preview = try await upload(admin, try Application.fixture("outlook-fr-windows1252.csv"))
            // then: nothing written yet
            #expect(preview.status == .ok)
            let page = preview.body.string
            #expect(page.contains("Suggested template for this header row: Outlook."))
            #expect(page.contains("3 rows, 1 with a problem."))
            #expect(page.contains("<option value=\"windows-1252\" selected>"))
            #expect(page.contains("Émile Zola") && page.contains("Société d’Études Fasquelle"))
            #expect(page.contains("<td>4</td><td>abc</td>"))
            #expect(try await InterchangeWorld.count(app) == before)
            // when
            let report = try await confirm(admin, groups: [w.a], duplicates: "skip")
            // then
            #expect(report.status == .ok)
            let text = report.body.string
            // Émile Zola is already in the address book with the same number: a duplicate, skipped.
            #expect(text.contains("data-testid=\"csv-created\">1<") && text.contains("data-testid=\"csv-failed\">1<"))
            #expect(text.contains("data-testid=\"csv-skipped\">1<"))
            #expect(text.contains("<td>2</td><td>skipped</td>") && text.contains("<td>4</td><td>failed</td>"))
            #expect(try await InterchangeWorld.count(app) == before + 1)
            #expect(try await named(app, "Émile Zola").count == 1)
            let amelie = try #require(try await named(app, "Amélie Françoise Dupont").first)
            #expect(amelie.company == "Boulangerie Dupont" && amelie.addresses.first?.postalCode == "69001")
            #expect(try await ContactService(db: app.db).groups(of: amelie.id!).map(\.name) == ["Group A"])
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "contacts.import").all()
            #expect(
                audit.contains {
                    ($0.detail ?? "").contains("format=csv template=outlook created=1 updated=0 skipped=1 failed=1")
                })
            // the file is gone once imported
            let again = try await confirm(admin, groups: [w.a], duplicates: "skip")
            #expect(again.body.string.contains("no longer available"))
            #expect(try await InterchangeWorld.count(app) == before + 1)
        }
    }

    @Test("duplicates: update merges, skip leaves, keep adds; counts per outcome")
    func duplicateRules() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            // Anne Alpha exists with +33 1 11 11 11 11; the file has her with another number format and a new
            // e-mail, a new contact, and a row without name.
            let csv = """
                display_name;phone.business;email.private
                Anne Alpha;0033 1 11 11 11 11;anne@home.example
                Bruno Beta;+33 2 22 22 22 22;
                ;+33 3 00 00 00 00;
                """
            for (rule, created, updated, skipped) in [("skip", 1, 0, 1), ("update", 0, 2, 0), ("keep", 2, 0, 0)] {
                _ = try await upload(admin, Data(csv.utf8))
                let report = try await confirm(admin, groups: [w.b], duplicates: rule).body.string
                #expect(report.contains("data-testid=\"csv-created\">\(created)<"), "\(rule)")
                #expect(report.contains("data-testid=\"csv-updated\">\(updated)<"), "\(rule)")
                #expect(report.contains("data-testid=\"csv-skipped\">\(skipped)<"), "\(rule)")
                #expect(report.contains("data-testid=\"csv-failed\">1<"), "\(rule)")
            }
            let annes = try await named(app, "Anne Alpha")
            #expect(annes.count == 2)
            let merged = try #require(annes.first { $0.id == w.anne.id })
            #expect(merged.emails.map(\.address) == ["anne@alpha.example", "anne@home.example"])
            #expect(merged.phones.count == 2)
            #expect(try await named(app, "Bruno Beta").count == 2)
        }
    }

    @Test("a legacy phone-book export goes to the phone book v1 group: identical rows overwrite, others are new")
    func phoneBookV1() async throws {
        try await withApp { app in
            _ = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let file =
                "phonebook_v1;first_name;last_name;phone.business\n;Anne;Alpha;+33 1 11 11 11 11\n;Zed;Zulu;+33 9 99 99 99 99\n"
            _ = try await upload(admin, Data(file.utf8))
            let first = try await confirm(admin, groups: [], duplicates: "keep").body.string
            #expect(first.contains("data-testid=\"csv-created\">2<"))
            _ = try await upload(admin, Data(file.utf8))
            let second = try await confirm(admin, groups: [], duplicates: "keep").body.string
            #expect(
                second.contains("data-testid=\"csv-created\">0<") && second.contains("data-testid=\"csv-updated\">2<"))
            let group = try #require(
                try await ContactGroupModel.query(on: app.db).filter(\.$kind == .phoneBookV1).first())
            #expect(group.memberCount == 2)
            #expect(try await named(app, "Zed Zulu").count == 1)
        }
    }

    @Test("a database error mid-file rolls the whole import back and says so")
    func rollback() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let sql = app.db as! any SQLDatabase
            if onSQLite {
                try await sql.raw(
                    """
                    CREATE TRIGGER csv_boom BEFORE INSERT ON contacts WHEN NEW.display_name = 'Boom'
                    BEGIN SELECT RAISE(ABORT, 'boom'); END
                    """
                ).run()
            } else {
                try await sql.raw(
                    """
                    CREATE FUNCTION csv_boom() RETURNS trigger AS $$ BEGIN
                    IF NEW.display_name = 'Boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql
                    """
                ).run()
                try await sql.raw(
                    "CREATE TRIGGER csv_boom BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION csv_boom()"
                ).run()
            }
            let before = try await InterchangeWorld.count(app)
            let members = try await ContactGroupModel.find(w.a.id, on: app.db)?.memberCount
            // 600 rows: the first batch of 500 is written before row 550 fails. 1 200 rows, row 100 failing: the
            // first batch's write fails while the second batch is being checked.
            for (rows, boom) in [(600, 550), (1_200, 100)] {
                var file = "display_name,phone.business\n"
                for index in 1...rows {
                    file += "\(index == boom ? "Boom" : "Person \(index)"),+33 1 00 00 \(index)\n"
                }
                _ = try await upload(admin, Data(file.utf8))
                let response = try await confirm(admin, groups: [w.a], duplicates: "keep")
                #expect(response.status == .internalServerError)
                #expect(response.body.string.contains("rolled back and nothing was changed"))
                #expect(try await InterchangeWorld.count(app) == before)
                #expect(try await ContactGroupModel.find(w.a.id, on: app.db)?.memberCount == members)
                #expect(
                    try await AuditEventModel.query(on: app.db).filter(\.$action == "contacts.import").count() == 0)
            }
            if !onSQLite {
                try await sql.raw("DROP TRIGGER csv_boom ON contacts").run()
                try await sql.raw("DROP FUNCTION csv_boom()").run()
            }
        }
    }

    @Test("a file of thousands of columns is refused at once with a message naming the limit")
    func tooManyColumns() async throws {
        try await withApp { app in
            _ = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let header = (0..<5000).map { "c\($0)" }.joined(separator: ",")
            let row = (0..<5000).map { _ in "x" }.joined(separator: ",")
            let response = try await upload(admin, Data((header + "\n" + row + "\n").utf8))
            let page = response.status == .seeOther ? try await admin.get(Paths.contactsImportCSV.path) : response
            #expect(page.body.string.contains("The file has more than 500 columns"))
            let fine = (0..<500).map { "c\($0)" }.joined(separator: ",") + "\n" + row + "\n"
            #expect(try await upload(admin, Data(fine.utf8)).status == .ok)
        }
    }

    @Test("a subscriber cannot open, upload or confirm a CSV import, and nothing changes")
    func subscriberRefused() async throws {
        try await withApp { app in
            _ = try await InterchangeWorld.make(app)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let before = try await InterchangeWorld.count(app)
            #expect(try await sid.get(Paths.contactsImportCSV.path).status == .forbidden)
            let list = try await sid.get(Paths.contacts.path).body.string
            #expect(!list.contains("data-testid=\"import-csv\"") && list.contains("data-testid=\"export-csv\""))
            let upload = try await sid.upload(
                Paths.contactsImportCSV.path, field: "file", filename: "c.csv", contentType: "text/csv",
                data: Data("display_name\nX\n".utf8))
            #expect(upload.status == .forbidden)
            let confirm = try await sid.post(Paths.contactsImportCSVPreview.path, pairs: [("action", "import")])
            #expect(confirm.status == .forbidden)
            #expect(try await InterchangeWorld.count(app) == before)
        }
    }

    @Test("a file above the import limit is refused with the limit named")
    func sizeLimit() async throws {
        var config = TestEnvironment.config()
        config.importMaximumBytes = 1_000_000
        try await withApp(config: config) { app in
            _ = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let big = Data(("display_name\n" + String(repeating: "Somebody Somewhere\n", count: 60_000)).utf8)
            let response = try await upload(admin, big)
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == Paths.contactsImportCSV.path)
            let page = try await admin.get(Paths.contactsImportCSV.path).body.string
            #expect(page.contains("larger than 1 MB"))
        }
    }

    @Test(
        "the preview shows the file's columns that hold data, names a refused row by what it has, counts what comes in")
    func previewRows() async throws {
        try await withApp { app in
            _ = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let file =
                "first_name;last_name;company;email.business;phone.business;notes\n"
                + "Ada;Lovelace;;ada@example.org;+44 20 7946 0000;\n"
                + ";;;nobody@example.org;+33 1 23 45 67 89;\n"
                + ";;;;;a note and nothing else\n"
            let preview = try await upload(admin, Data(file.utf8)).body.string
            let rows = try #require(preview.components(separatedBy: "data-testid=\"csv-rows\"").dropFirst().first)
                .components(separatedBy: "</table>")[0]
            // Every column with data in the rows shown is a column of the table; "company" holds none.
            #expect(rows.contains("<th scope=\"col\">email.business</th>") && !rows.contains(">company<"))
            #expect(rows.contains("<td>+44 20 7946 0000</td>"))
            // A refused row is named by its e-mail, then by its first cell with text.
            #expect(rows.contains("<th scope=\"row\">Ada Lovelace</th>"))
            #expect(rows.contains("<th scope=\"row\">nobody@example.org</th>"))
            #expect(rows.contains("<th scope=\"row\">a note and nothing else</th>"))
            #expect(preview.contains("data-testid=\"csv-import-submit\">Import the rows (1)<"))
        }
    }

    @Test("a custom mapping chosen in the preview is applied and can be saved by name")
    func customMapping() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let file = "Nom complet|Poste|Portable\nJeanne Roux|12|06 00 00 00 01\n"
            let preview = try await upload(admin, Data(file.utf8)).body.string
            #expect(preview.contains("<option value=\"custom\" selected>"))
            let map = [("map[]", "display_name"), ("map[]", "phone.business"), ("map[]", "phone.mobile")]
            let base = [
                ("encoding", "utf-8"), ("delimiter", "|"), ("template", "custom"), ("previousTemplate", "custom"),
            ]
            let saved = try await admin.post(
                Paths.contactsImportCSVPreview.path,
                pairs: base + map + [("action", "save"), ("mappingName", "Annuaire RH")])
            #expect(saved.body.string.contains("Mapping “Annuaire RH” saved."))
            let model = try #require(try await CSVImportMappingModel.query(on: app.db).first())
            #expect(model.fields == "display_name,phone.business,phone.mobile")
            let template = "saved:\(model.id!.uuidString)"
            let report = try await confirm(
                admin, groups: [w.a], duplicates: "skip",
                fields: [("delimiter", "|"), ("template", template), ("previousTemplate", template)] + map
            ).body.string
            #expect(report.contains("data-testid=\"csv-created\">1<"))
            let jeanne = try #require(try await named(app, "Jeanne Roux").first)
            #expect(jeanne.phones.map(\.type) == [.business, .mobile])
        }
    }
}

extension CSVImportTests {
    @Test("one unusable cell never fails the row: the value goes to the notes, the preview and the report say so")
    func unusableCellsKeptInNotes() async throws {
        try await withApp { app in
            // given: an Outlook export whose cells other programs accept and our fields cannot hold
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let file = """
                First Name,Last Name,Business Phone,Mobile Phone,E-mail Address,Birthday
                Paula,Pager,pager,+33 6 12 34 56 78,paula@localhost,sometime in May
                Root,Mailer,+33 4 78 00 00 02,,contact1@invalid,
                Odd,Address,,,not an address,
                ,,mainphone,,,
                Multi,Values,04 78 00 00 03 / 06 12 00 00 04,,"a@x.fr; b@y.fr",

                """
            try await ContactGroupService(db: app.db).setRight(
                .write, isStandard: true, for: try w.admin.user.requireID(), on: w.a.requireID(), by: w.admin)
            // when
            let preview = try await upload(admin, Data(file.utf8))
            // then: the importing user's standard group is ticked; one row without any name is the only problem
            let page = preview.body.string
            #expect(page.contains("value=\"\(w.a.id!.uuidString)\" checked"))
            #expect(!page.contains("value=\"\(w.b.id!.uuidString)\" checked"))
            #expect(page.contains("5 rows, 1 with a problem."))
            #expect(page.contains("TEL kept in the notes: pager"))
            #expect(page.contains("EMAIL kept in the notes: not an address"))
            // when
            let report = try await confirm(admin, groups: [w.a], duplicates: "keep")
            // then
            let text = report.body.string
            #expect(text.contains("data-testid=\"csv-created\">4<") && text.contains("data-testid=\"csv-failed\">1<"))
            #expect(text.contains("BDAY kept in the notes: sometime in May"))
            let multi = try #require(try await named(app, "Multi Values").first)
            #expect(multi.phones.map(\.number) == ["04 78 00 00 03", "06 12 00 00 04"])
            #expect(multi.emails.map(\.address) == ["a@x.fr", "b@y.fr"])
            let paula = try #require(try await named(app, "Paula Pager").first)
            #expect(paula.phones.map(\.number) == ["+33 6 12 34 56 78"])
            #expect(paula.emails.map(\.address) == ["paula@localhost"])
            #expect(paula.notes == "TEL: pager\nBDAY: sometime in May")
            let root = try #require(try await named(app, "Root Mailer").first)
            #expect(root.emails.map(\.address) == ["contact1@invalid"] && root.notes == nil)
            let odd = try #require(try await named(app, "Odd Address").first)
            #expect(odd.emails.isEmpty && odd.notes == "EMAIL: not an address")
        }
    }

    @Test("a file without a header row: columns read from their values, every line imported; unused columns named")
    func headerlessFile() async throws {
        try await withApp { app in
            // given: a PBX directory source, no header, a column nobody maps
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let file = """
                Dupont Jean;Acme;04 78 00 00 02;jean@dupont.example;blue
                Accueil;;201;;green
                Martin Zoé;Initech;+33 6 12 34 56 78;zoe@martin.example;

                """
            // when
            let preview = try await upload(admin, Data(file.utf8))
            // then
            let page = preview.body.string
            #expect(page.contains("data-testid=\"csv-no-header\""))
            #expect(page.contains("3 rows, 0 with a problem."))
            #expect(page.contains("<span class=\"badge\">5: blue</span>"))
            // when
            let report = try await confirm(admin, groups: [w.a], duplicates: "keep")
            // then: the first line is a contact too
            let text = report.body.string
            #expect(text.contains("data-testid=\"csv-created\">3<"))
            #expect(text.contains("data-testid=\"csv-report-ignored\""))
            let jean = try #require(try await named(app, "Dupont Jean").first)
            #expect(jean.phones.map(\.number) == ["04 78 00 00 02"])
            #expect(jean.emails.map(\.address) == ["jean@dupont.example"] && jean.company == "Acme")
            #expect(try await named(app, "Accueil").first?.phones.map(\.number) == ["201"])
        }
    }

    @Test("a Shift_JIS file from a Japanese Excel: the set is detected, shown and overridable; names import as written")
    func shiftJISFile() async throws {
        try await withApp { app in
            // given
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let data = try Application.fixture("../../SwitchboardCoreTests/Fixtures/csv/excel-ja-shift-jis.csv")
            // when
            let preview = try await upload(admin, data)
            // then
            let page = preview.body.string
            #expect(page.contains("<option value=\"shift_jis\" selected>"))
            #expect(page.contains("株式会社サンプル表計算") && page.contains("能登電機"))
            // when: the user says it is Windows-1252 after all, then goes back to Shift_JIS
            let misread = try await admin.post(
                Paths.contactsImportCSVPreview.path,
                pairs: [("encoding", "windows-1252"), ("delimiter", ","), ("template", "outlook")])
            #expect(misread.body.string.contains("<option value=\"windows-1252\" selected>"))
            #expect(!misread.body.string.contains("能登電機"))
            _ = try await admin.post(
                Paths.contactsImportCSVPreview.path,
                pairs: [("encoding", "shift_jis"), ("delimiter", ","), ("template", "outlook")])
            let report = try await confirm(
                admin, groups: [w.a], duplicates: "keep",
                fields: [("encoding", "shift_jis"), ("delimiter", ","), ("template", "outlook")])
            // then
            #expect(report.body.string.contains("data-testid=\"csv-created\">3<"))
            let yamada = try #require(try await named(app, "太郎 山田").first)
            #expect(yamada.company == "株式会社サンプル表計算")
            #expect(yamada.emails.map(\.address) == ["taro.yamada@example.jp"])
        }
    }

    @Test("LinkedIn's export: its notes before the header are skipped and said; URL and date shown as not imported")
    func linkedInFile() async throws {
        try await withApp { app in
            // given
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let data = try Application.fixture("../../SwitchboardCoreTests/Fixtures/csv/linkedin-connections.csv")
            // when
            let preview = try await upload(admin, data)
            // then
            let page = preview.body.string
            #expect(page.contains("data-testid=\"csv-preamble\""))
            #expect(page.contains("Suggested template for this header row: LinkedIn."))
            #expect(page.contains("2 rows, 0 with a problem."))
            #expect(page.contains("<span class=\"badge\">URL: https://www.linkedin.com/in/ada-example</span>"))
            // when
            let report = try await confirm(admin, groups: [w.a], duplicates: "keep")
            // then
            #expect(report.body.string.contains("data-testid=\"csv-created\">2<"))
            let ada = try #require(try await named(app, "Ada Lovelace").first)
            #expect(ada.company == "Analytical Engines Ltd" && ada.emails.map(\.address) == ["ada@analytical.example"])
        }
    }

    @Test("an ERP customer list no template knows: columns read from their header's words; the rest listed")
    func erpFile() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let data = try Application.fixture("../../SwitchboardCoreTests/Fixtures/csv/erp-customers.csv")
            let preview = try await upload(admin, data)
            let page = preview.body.string
            #expect(page.contains("<span class=\"badge\">Kundennummer: 10023</span>"))
            #expect(page.contains("<span class=\"badge\">Umsatz 2025: 125.000,00</span>"))
            let report = try await confirm(admin, groups: [w.a], duplicates: "keep")
            #expect(report.body.string.contains("data-testid=\"csv-created\">2<"))
            let muller = try #require(try await named(app, "Herr Klaus Müller").first)
            #expect(muller.company == "Müller Maschinenbau GmbH" && muller.phones.count == 2)
        }
    }
}
