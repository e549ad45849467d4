import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// What a subscriber cannot read does not change any answer they get (#16, item 7).
@Suite("Hidden contacts leave no trace")
struct HiddenExistenceTests {
    @Test("a selection naming a hidden contact and one naming no contact get the same answer")
    func selection() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            try await sid.get(Paths.contacts.path)
            var answers: [HTTPStatus] = []
            for id in [try w.cleo.requireID(), UUID()] {
                let response = try await sid.post(
                    Paths.contactsSelection.path, pairs: [("ids[]", id.uuidString), ("action", "delete")])
                answers.append(response.status)
            }
            #expect(answers == [.notFound, .notFound])
            #expect(try await ContactModel.find(w.cleo.requireID(), on: app.db) != nil)
        }
    }

    @Test("a short code held by a hidden contact is refused in the same words as any other")
    func shortCode() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let hidden = try await ContactService(db: app.db).create(
                Contact(lastName: "Hidden", shortCode: "77"), in: [w.c.requireID()], by: w.admin)
            #expect(hidden.shortCode == "77")
            var answers: [String] = []
            for code in ["77", "42"] {
                let response = try await InterchangeWorld.api(
                    app, .POST, "/api/v1/contacts", token: w.sidToken, contentType: "application/json",
                    body: Data(#"{"lastName": "Mine", "shortCode": "\#(code)"}"#.utf8))
                #expect(response.status == .conflict)
                answers.append(InterchangeWorld.json(response)["title"] as? String ?? "")
            }
            #expect(answers[0] == answers[1])
            #expect(answers[0] == "This short code is not available: choose another.")
        }
    }
}
