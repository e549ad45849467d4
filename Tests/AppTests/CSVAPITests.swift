import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// CSV through the API: preview, import and export, with the same reading and rights as the pages.
@Suite("Interchange: CSV through the API")
struct CSVAPITests {
    private static func fixture(_ name: String) throws -> Data {
        try Application.fixture("../../SwitchboardCoreTests/Fixtures/csv/\(name)")
    }

    private func post(_ app: Application, _ path: String, token: String, _ data: Data) async throws
        -> (HTTPStatus, [String: Any])
    {
        let response = try await InterchangeWorld.api(
            app, .POST, path, token: token, contentType: "text/csv", body: data)
        return (response.status, InterchangeWorld.json(response))
    }

    @Test("preview: the detected set, template and mapping, the rows as stored, the columns left out; nothing written")
    func preview() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let before = try await InterchangeWorld.count(app)
            let (status, body) = try await post(
                app, "/api/v1/contacts/csv/preview", token: w.adminToken, try Self.fixture("excel-ja-shift-jis.csv"))
            #expect(status == .ok)
            #expect(body["encoding"] as? String == "shift_jis" && body["delimiter"] as? String == ",")
            #expect(body["template"] as? String == "outlook" && body["hasHeader"] as? Bool == true)
            #expect(body["rowCount"] as? Int == 3 && body["problemCount"] as? Int == 0)
            let columns = try #require(body["columns"] as? [[String: Any]])
            #expect(
                columns.map { $0["field"] as? String } == [
                    "first_name", "last_name", "company", "phone.business", "email.business",
                ])
            let rows = try #require(body["rows"] as? [[String: Any]])
            let contact = try #require(rows.first?["contact"] as? [String: Any])
            #expect(contact["lastName"] as? String == "山田" && contact["company"] as? String == "株式会社サンプル表計算")
            #expect(try await InterchangeWorld.count(app) == before)

            let (linkedIn, preview) = try await post(
                app, "/api/v1/contacts/csv/preview", token: w.adminToken, try Self.fixture("linkedin-connections.csv"))
            #expect(linkedIn == .ok)
            #expect(preview["preambleLines"] as? Int == 3, "\(preview["preambleLines"] ?? "")")
            #expect(preview["suggestedTemplate"] as? String == "linkedin")
            let ignored = try #require(preview["ignoredColumns"] as? [[String: Any]])
            #expect(ignored.map { $0["header"] as? String } == ["URL", "Connected On"])
        }
    }

    @Test("import: groups and the duplicate rule; a second import of the same file skips every row")
    func importFile() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let file = try Self.fixture("linkedin-connections.csv")
            let path = "/api/v1/contacts/csv/import?groupIds=\(w.a.id!)&duplicates=skip"
            let (status, report) = try await post(app, path, token: w.adminToken, file)
            #expect(status == .ok)
            #expect(report["created"] as? Int == 2 && report["failed"] as? Int == 0)
            #expect(report["groups"] as? [String] == ["Group A"])
            #expect(report["ignoredColumns"] as? [String] == ["URL", "Connected On"])
            let ada = try #require(
                try await ContactModel.query(on: app.db).filter(\.$displayName == "Ada Lovelace").first())
            #expect(try await ContactService(db: app.db).groups(of: ada.id!).map(\.name) == ["Group A"])
            let (_, again) = try await post(app, path, token: w.adminToken, file)
            #expect(again["created"] as? Int == 0 && again["skipped"] as? Int == 2)
        }
    }

    @Test("a subscriber may not import; an unknown set is a bad request, an unknown field 422; too large is 413")
    func refusals() async throws {
        var config = TestEnvironment.config()
        config.importMaximumBytes = 1_000
        try await withApp(config: config) { app in
            let w = try await InterchangeWorld.make(app)
            let file = Data("fn,ln,num\nJean,Dupont,201\n".utf8)
            let (subscriber, problem) = try await post(app, "/api/v1/contacts/csv/import", token: w.sidToken, file)
            #expect(subscriber == .forbidden && problem["code"] as? String == "forbidden")
            let (encoding, _) = try await post(
                app, "/api/v1/contacts/csv/preview?encoding=klingon", token: w.adminToken, file)
            #expect(encoding == .badRequest)
            let (mapping, _) = try await post(
                app, "/api/v1/contacts/csv/preview?mapping=first_name,nonsense,phone.business", token: w.adminToken,
                file)
            #expect(mapping == .unprocessableEntity)
            let (large, tooLarge) = try await post(
                app, "/api/v1/contacts/csv/import", token: w.adminToken, Data(repeating: 0x41, count: 2_000))
            #expect(large == .payloadTooLarge && tooLarge["code"] as? String == "import_too_large")
            #expect(try await ContactModel.query(on: app.db).filter(\.$displayName == "Jean Dupont").count() == 0)
        }
    }

    @Test("export: only after the notice is confirmed; a group's members in Switchboard's format; audited")
    func export() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let refused = try await InterchangeWorld.api(
                app, .GET, "/api/v1/contacts/csv?confirm=false", token: w.adminToken)
            #expect(refused.status == .unprocessableEntity)
            #expect(InterchangeWorld.json(refused)["code"] as? String == "export_not_confirmed")
            let both = try await InterchangeWorld.api(
                app, .GET, "/api/v1/contacts/csv?confirm=true&group=\(w.b.id!)&letter=E", token: w.adminToken)
            #expect(both.status == .unprocessableEntity)
            #expect(InterchangeWorld.json(both)["code"] as? String == "export_scope_conflict")
            let file = try await InterchangeWorld.api(
                app, .GET, "/api/v1/contacts/csv?confirm=true&group=\(w.b.id!)&delimiter=,", token: w.adminToken)
            #expect(file.status == .ok)
            let text = String(decoding: Array(file.body.readableBytesView).dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("display_name,title,first_name,middle_name,last_name,suffix,"))
            #expect(text.contains("Émile") && !text.contains("Anne"))
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "contacts.export").all()
            #expect(audit.map(\.target) == ["group=Group B"])
            // A subscriber exports what they may read, and a group they cannot read is not found.
            let hidden = try await InterchangeWorld.api(
                app, .GET, "/api/v1/contacts/csv?confirm=true&group=\(w.c.id!)", token: w.sidToken)
            #expect(hidden.status == .notFound)
        }
    }
}
