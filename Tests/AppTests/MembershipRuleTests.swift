import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// One rule on every edge: a user changes memberships only among the groups they may write; memberships in every other
/// group stay as they are. The page, the API and the service must give the same answer to the same edit.
@Suite("Group memberships on edit: one rule, every edge")
struct MembershipRuleTests {
    /// Subscriber "sid": read on A, write on B (standard), nothing on C. Contact "Dora Delta" in A, B and C.
    struct World {
        let admin: Actor
        let sid: Actor
        let a: UUID
        let b: UUID
        let c: UUID
        let w: UUID
        let dora: UUID
    }

    private func given(_ app: Application) async throws -> World {
        let admin = try await app.givenAdmin()
        let a = try await app.givenGroup("A", by: admin)
        let b = try await app.givenGroup("B", by: admin)
        let c = try await app.givenGroup("C", by: admin)
        let w = try await app.givenGroup("W", by: admin)
        let sid = try await app.givenSubscriber("sid", rights: [a: .read, b: .write, w: .write], standard: b)
        let dora = try await app.givenContact("Dora Delta", in: [a, b, c], by: admin)
        return World(admin: admin, sid: sid, a: a, b: b, c: c, w: w, dora: dora)
    }

    private func api(_ app: Application, _ sid: Actor, _ method: HTTPMethod, _ path: String, _ json: String)
        async throws -> HTTPResponseStatus
    {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: try await app.makeToken(for: sid.user))
        headers.contentType = .json
        return try await app.testing().sendRequest(method, path, headers: headers, body: ByteBuffer(string: json))
            .status
    }

    @Test("moving a contact from B to W: the page and the API both keep A (read only) and C (hidden)")
    func pageAndAPIAgree() async throws {
        try await withApp { app in
            let world = try await given(app)
            // When the page's form (which shows only B and W) posts W…
            let browser = Browser(app)
            _ = try await browser.signIn("sid", "password-123")
            let posted = try await browser.post(
                Paths.contact.url(world.dora),
                pairs: [("firstName", "Dora"), ("lastName", "Delta"), ("groups[]", world.w.uuidString)])
            // …then the contact left B for W and stayed in A and C.
            #expect(posted.status == .seeOther)
            #expect(try await app.groupNames(of: world.dora) == ["A", "C", "W"])

            // When the API names B only (back from W)…
            let status = try await api(
                app, world.sid, .PUT, "/api/v1/contacts/\(world.dora)",
                #"{"firstName":"Dora","lastName":"Delta","groupIds":["\#(world.b)"]}"#)
            // …then it is accepted the same way: A and C stay.
            #expect(status == .ok)
            #expect(try await app.groupNames(of: world.dora) == ["A", "B", "C"])
        }
    }

    @Test("naming a read-only group the contact is in changes nothing there; adding one it is not in is refused")
    func readOnlyGroups() async throws {
        try await withApp { app in
            let world = try await given(app)
            let stays = try await api(
                app, world.sid, .PUT, "/api/v1/contacts/\(world.dora)",
                #"{"firstName":"Dora","lastName":"Delta","groupIds":["\#(world.a)","\#(world.w)"]}"#)
            #expect(stays == .ok)
            #expect(try await app.groupNames(of: world.dora) == ["A", "C", "W"])

            let bert = try await app.givenContact("Bert Beta", in: [world.b], by: world.admin)
            let intoA = try await api(
                app, world.sid, .PUT, "/api/v1/contacts/\(bert)",
                #"{"firstName":"Bertie","lastName":"Beta","groupIds":["\#(world.a)","\#(world.b)"]}"#)
            #expect(intoA == .forbidden)
            let intoC = try await api(
                app, world.sid, .PUT, "/api/v1/contacts/\(bert)",
                #"{"firstName":"Bertie","lastName":"Beta","groupIds":["\#(world.c)","\#(world.b)"]}"#)
            #expect(intoC == .notFound)  // C is not theirs to know of
            #expect(try await ContactModel.find(bert, on: app.db)?.firstName == "Bert")
            #expect(try await app.groupNames(of: bert) == ["B"])
        }
    }

    @Test("the service alone applies the same rule")
    func serviceRule() async throws {
        try await withApp { app in
            let world = try await given(app)
            let service = ContactService(db: app.db)
            _ = try await service.update(
                world.dora, with: Contact(firstName: "Dora", lastName: "Delta"), groups: [world.w], by: world.sid)
            #expect(try await app.groupNames(of: world.dora) == ["A", "C", "W"])
            _ = try await service.update(
                world.dora, with: Contact(firstName: "Dora", lastName: "Delta"), groups: [], by: world.sid)
            #expect(try await app.groupNames(of: world.dora) == ["A", "C"])
        }
    }
}
