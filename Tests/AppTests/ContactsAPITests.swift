import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Address books through the API")
struct ContactsAPITests {
    /// A subscriber with read on A, write on B (their standard group, DECT, 3 entries), nothing on C.
    struct World {
        let admin: Actor
        let adminToken: String
        let subscriberID: UUID
        let subscriberToken: String
        let a: UUID
        let b: UUID
        let c: UUID
    }

    private func world(_ app: Application) async throws -> World {
        let admin = try await app.givenAdmin()
        let a = try await app.givenGroup("A", by: admin)
        let b = try await app.givenGroup("B", kind: .dect, dectLimits: DECTLimits(maximumEntries: 3), by: admin)
        let c = try await app.givenGroup("C", by: admin)
        let sid = try await app.givenSubscriber("sid", rights: [a: .read, b: .write], standard: b)
        return World(
            admin: admin, adminToken: try await app.makeToken(for: admin.user), subscriberID: try sid.user.requireID(),
            subscriberToken: try await app.makeToken(for: sid.user), a: a, b: b, c: c)
    }

    private func call(
        _ app: Application, _ method: HTTPMethod, _ path: String, token: String, json: String? = nil
    ) async throws -> (HTTPResponseStatus, [String: Any]) {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.contentType = .json
        let response = try await app.testing().sendRequest(
            method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
        return (response.status, object ?? [:])
    }

    private func names(_ body: [String: Any]) -> [String] {
        (body["items"] as? [[String: Any]] ?? []).compactMap { $0["displayName"] as? String }
    }

    private func groupNames(_ body: [String: Any]) -> [String] {
        (body["groups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    @Test("create, read, replace and delete a contact")
    func roundTrip() async throws {
        try await withApp { app in
            let w = try await world(app)
            let (created, body) = try await call(
                app, .POST, "/api/v1/contacts", token: w.adminToken,
                json: #"""
                    {"firstName":" Émile ","middleName":"Jean","lastName":"Faure","suffix":"fils","company":"Acme",
                     "birthday":"--04-12","shortCode":"42",
                     "phones":[{"type":"business-fax","number":"+33 4 72 00 00 01"},
                               {"type":"mobile","number":"06 12 34 56 78","preferred":true}],
                     "emails":[{"type":"private","address":"emile@example.org"}],
                     "addresses":[{"type":"business","city":"Lyon"},{"type":"private"}],
                     "groupIds":["\#(w.a)"]}
                    """#)
            #expect(created == .created)
            let id = try #require(body["id"] as? String)
            #expect(body["displayName"] as? String == "Émile Jean Faure fils")
            #expect(body["displayNameDerived"] as? Bool == true)
            #expect(body["firstName"] as? String == "Émile")
            #expect(body["middleName"] as? String == "Jean" && body["suffix"] as? String == "fils")
            #expect(body["editable"] as? Bool == true)
            #expect(groupNames(body) == ["A"])
            let phones = try #require(body["phones"] as? [[String: Any]])
            #expect(phones.map { $0["type"] as? String } == ["business-fax", "mobile"])
            #expect(phones.map { $0["preferred"] as? Bool } == [false, true])
            #expect((body["addresses"] as? [[String: Any]])?.count == 1)  // the empty one is dropped

            let (read, fetched) = try await call(app, .GET, "/api/v1/contacts/\(id)", token: w.adminToken)
            #expect(read == .ok)
            #expect(fetched["shortCode"] as? String == "42")
            #expect(fetched["birthday"] as? String == "--04-12")

            let (replaced, updated) = try await call(
                app, .PUT, "/api/v1/contacts/\(id)", token: w.adminToken,
                json: #"{"displayName":"Dr Faure","lastName":"Faure","groupIds":["\#(w.b)","\#(w.c)"]}"#)
            #expect(replaced == .ok)
            #expect(updated["displayName"] as? String == "Dr Faure")
            #expect(updated["displayNameDerived"] as? Bool == false)
            #expect(updated["firstName"] == nil)
            #expect(updated["company"] == nil)
            #expect((updated["phones"] as? [Any])?.isEmpty == true)
            #expect(Set(groupNames(updated)) == ["B", "C"])
            #expect(try await ContactGroupModel.find(w.a, on: app.db)?.memberCount == 0)

            let (deleted, _) = try await call(app, .DELETE, "/api/v1/contacts/\(id)", token: w.adminToken)
            #expect(deleted == .noContent)
            let (gone, problem) = try await call(app, .GET, "/api/v1/contacts/\(id)", token: w.adminToken)
            #expect(gone == .notFound)
            #expect(problem["code"] as? String == "not_found")
        }
    }

    @Test("filters, tabs and cursor paging walk every contact once, in order")
    func filtersAndPaging() async throws {
        try await withApp { app in
            let w = try await world(app)
            let sorted = [
                "Anne Alpha", "Bert Beta", "Bruno Brun", "Élodie Eclair", "Eve Adams", "Zoé Zola", "123 Taxi",
            ]
            for name in sorted.reversed() { try await app.givenContact(name, in: [w.a], by: w.admin) }
            let contacts = ContactService(db: app.db)
            _ = try await contacts.update(
                try #require(try await ContactModel.query(on: app.db).filter(\.$displayName == "Eve Adams").first())
                    .requireID(),
                with: Contact(
                    firstName: "Eve", lastName: "Adams", company: "Globex",
                    phones: [PhoneEntry(type: .business, number: "+33 1 23 45 67 89")],
                    emails: [EmailEntry(type: .business, address: "eve@globex.example")],
                    addresses: [PostalAddress(type: .business, city: "Besançon")]),
                by: w.admin)

            var seen: [String] = []
            var pages = 0
            var path = "/api/v1/contacts?group=\(w.a)&limit=3"
            while true {
                let (status, page) = try await call(app, .GET, path, token: w.adminToken)
                #expect(status == .ok)
                pages += 1
                seen += names(page)
                guard let next = page["nextCursor"] as? String else { break }
                path = "/api/v1/contacts?group=\(w.a)&limit=3&cursor=\(next)"
            }
            #expect(pages == 3)
            #expect(seen == sorted)

            func query(_ parameters: String) async throws -> [String] {
                names(try await call(app, .GET, "/api/v1/contacts?\(parameters)", token: w.adminToken).1)
            }
            #expect(try await query("tab=B") == ["Bert Beta", "Bruno Brun"])
            #expect(try await query("tab=%23") == ["123 Taxi"])
            #expect(try await query("name=ELO") == ["Élodie Eclair"])
            #expect(try await query("firstName=zo&lastName=zol") == ["Zoé Zola"])
            #expect(try await query("company=globe") == ["Eve Adams"])
            #expect(try await query("number=2345") == ["Eve Adams"])
            #expect(try await query("email=eve%40") == ["Eve Adams"])
            #expect(try await query("city=besanc") == ["Eve Adams"])
            #expect(try await query("tab=E&name=ve") == ["Eve Adams"])
            let (_, summary) = try await call(app, .GET, "/api/v1/contacts?company=globex", token: w.adminToken)
            let item = try #require((summary["items"] as? [[String: Any]])?.first)
            #expect(item["company"] as? String == "Globex")
            #expect((item["phones"] as? [[String: Any]])?.first?["number"] as? String == "+33 1 23 45 67 89")

            for bad in ["limit=0", "limit=201", "tab=ab"] {
                let (status, problem) = try await call(app, .GET, "/api/v1/contacts?\(bad)", token: w.adminToken)
                #expect(status == .badRequest, "\(bad)")
                #expect(problem["code"] as? String == "bad_request")
            }
            // Well-formed, but no list can answer them: refused by a rule, with its code.
            for (query, code) in [
                ("cursor=nonsense", "cursor_invalid"), ("group=\(w.a)&withoutGroup=true", "filters_conflict"),
            ] {
                let (status, problem) = try await call(app, .GET, "/api/v1/contacts?\(query)", token: w.adminToken)
                #expect(status == .unprocessableEntity, "\(query)")
                #expect(problem["code"] as? String == code)
            }
            let (unknown, _) = try await call(app, .GET, "/api/v1/contacts?group=\(UUID())", token: w.adminToken)
            #expect(unknown == .notFound)
        }
    }

    @Test("a subscriber reads A and B, edits only B, and never learns of C")
    func subscriberRights() async throws {
        try await withApp { app in
            let w = try await world(app)
            let inA = try await app.givenContact("Anne Alpha", in: [w.a], by: w.admin)
            let inB = try await app.givenContact("Bert Beta", in: [w.b], by: w.admin)
            let inC = try await app.givenContact("Cleo Gamma", in: [w.c], by: w.admin)
            let inAC = try await app.givenContact("Dora Delta", in: [w.a, w.c], by: w.admin)
            let token = w.subscriberToken

            let (_, list) = try await call(app, .GET, "/api/v1/contacts", token: token)
            #expect(names(list) == ["Anne Alpha", "Bert Beta", "Dora Delta"])
            #expect(names(try await call(app, .GET, "/api/v1/contacts?name=cleo", token: token).1).isEmpty)
            #expect(try await call(app, .GET, "/api/v1/contacts?group=\(w.c)", token: token).0 == .notFound)
            #expect(names(try await call(app, .GET, "/api/v1/contacts?withoutGroup=true", token: token).1).isEmpty)

            let (hidden, problem) = try await call(app, .GET, "/api/v1/contacts/\(inC)", token: token)
            #expect(hidden == .notFound)
            #expect(problem["code"] as? String == "not_found")
            #expect(
                try await call(app, .PUT, "/api/v1/contacts/\(inC)", token: token, json: #"{"lastName":"X"}"#).0
                    == .notFound)
            #expect(try await call(app, .DELETE, "/api/v1/contacts/\(inC)", token: token).0 == .notFound)
            let (_, shared) = try await call(app, .GET, "/api/v1/contacts/\(inAC)", token: token)
            #expect(groupNames(shared) == ["A"])  // C stays unknown
            #expect(shared["editable"] as? Bool == false)

            let (readOnly, refusal) = try await call(
                app, .PUT, "/api/v1/contacts/\(inA)", token: token, json: #"{"lastName":"Changed"}"#)
            #expect(readOnly == .forbidden)
            #expect(refusal["code"] as? String == "forbidden")
            #expect(try await call(app, .DELETE, "/api/v1/contacts/\(inA)", token: token).0 == .forbidden)
            let (edited, body) = try await call(
                app, .PUT, "/api/v1/contacts/\(inB)", token: token, json: #"{"firstName":"Bertrand","lastName":"Beta"}"#
            )
            #expect(edited == .ok)
            #expect(body["displayName"] as? String == "Bertrand Beta")

            let bulk = #"{"ids":["\#(inA)","\#(inB)"]}"#
            #expect(try await call(app, .POST, "/api/v1/contacts/delete", token: token, json: bulk).0 == .forbidden)
            #expect(try await ContactModel.query(on: app.db).count() == 4)  // refused as a whole
            let withC = #"{"ids":["\#(inB)","\#(inC)"]}"#
            #expect(try await call(app, .POST, "/api/v1/contacts/delete", token: token, json: withC).0 == .notFound)
            let (bulkDeleted, count) = try await call(
                app, .POST, "/api/v1/contacts/delete", token: token, json: #"{"ids":["\#(inB)"]}"#)
            #expect(bulkDeleted == .ok)
            #expect(count["deleted"] as? Int == 1)

            let (created, new) = try await call(
                app, .POST, "/api/v1/contacts", token: token, json: #"{"company":"Initech"}"#)
            #expect(created == .created)
            #expect(groupNames(new) == ["B"])  // the standard group
            let intoC = #"{"company":"Umbrella","groupIds":["\#(w.c)"]}"#
            #expect(try await call(app, .POST, "/api/v1/contacts", token: token, json: intoC).0 == .notFound)
            let intoA = #"{"company":"Umbrella","groupIds":["\#(w.a)"]}"#
            #expect(try await call(app, .POST, "/api/v1/contacts", token: token, json: intoA).0 == .forbidden)
        }
    }

    @Test("a subscriber's new group list leaves memberships of groups they cannot read alone")
    func subscriberRegroups() async throws {
        try await withApp { app in
            let w = try await world(app)
            let id = try await app.givenContact("Bert Beta", in: [w.b, w.c], by: w.admin)
            let (status, body) = try await call(
                app, .PUT, "/api/v1/contacts/\(id)", token: w.subscriberToken,
                json: #"{"firstName":"Bert","lastName":"Beta","groupIds":["\#(w.b)"]}"#)
            #expect(status == .ok)
            #expect(groupNames(body) == ["B"])
            let (_, asAdmin) = try await call(app, .GET, "/api/v1/contacts/\(id)", token: w.adminToken)
            #expect(Set(groupNames(asAdmin)) == ["B", "C"])
            let intoA = #"{"firstName":"Bertie","groupIds":["\#(w.a)","\#(w.b)"]}"#
            #expect(
                try await call(app, .PUT, "/api/v1/contacts/\(id)", token: w.subscriberToken, json: intoA).0
                    == .forbidden)
            #expect(try await ContactModel.find(id, on: app.db)?.firstName == "Bert")  // one transaction
        }
    }

    @Test("groups: admins manage them and their rights; subscribers see theirs and nothing more")
    func groups() async throws {
        try await withApp { app in
            let w = try await world(app)
            let (_, mine) = try await call(app, .GET, "/api/v1/contact-groups", token: w.subscriberToken)
            #expect((mine["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["A", "B"])
            let (_, b) = try await call(app, .GET, "/api/v1/contact-groups/\(w.b)", token: w.subscriberToken)
            #expect(b["kind"] as? String == "dect")
            #expect((b["dectLimits"] as? [String: Any])?["maximumEntries"] as? Int == 3)
            #expect(try await call(app, .GET, "/api/v1/contact-groups/\(w.c)", token: w.subscriberToken).0 == .notFound)

            let create = #"{"name":"Sales","kind":"standard"}"#
            let (refused, problem) = try await call(
                app, .POST, "/api/v1/contact-groups", token: w.subscriberToken, json: create)
            #expect(refused == .forbidden)
            #expect(problem["code"] as? String == "forbidden")
            let rights = #"{"items":[{"userId":"\#(w.subscriberID)","right":"write","standard":false}]}"#
            for (method, path, json) in [
                (HTTPMethod.PUT, "/api/v1/contact-groups/\(w.a)/rights", rights),
                (.GET, "/api/v1/contact-groups/\(w.a)/rights", nil),
                (.PATCH, "/api/v1/contact-groups/\(w.a)", #"{"name":"Mine"}"#),
                (.DELETE, "/api/v1/contact-groups/\(w.a)", nil),
                (.POST, "/api/v1/contact-groups/\(w.a)/members", #"{"contactIds":[]}"#),
            ] {
                let (status, _) = try await call(app, method, path, token: w.subscriberToken, json: json)
                #expect(status == .forbidden, "\(method) \(path)")
            }
            #expect(try await GroupRightModel.query(on: app.db).filter(\.$group.$id == w.a).first()?.right == .read)

            let (created, sales) = try await call(
                app, .POST, "/api/v1/contact-groups", token: w.adminToken, json: create)
            #expect(created == .created)
            let salesID = try #require(sales["id"] as? String)
            #expect(sales["memberCount"] as? Int == 0)
            #expect(sales["dectLimits"] == nil)
            let (taken, takenProblem) = try await call(
                app, .POST, "/api/v1/contact-groups", token: w.adminToken, json: create)
            #expect(taken == .conflict)
            #expect(takenProblem["code"] as? String == "group_name_taken")

            let (_, renamed) = try await call(
                app, .PATCH, "/api/v1/contact-groups/\(salesID)", token: w.adminToken, json: #"{"name":"Sales EU"}"#)
            #expect(renamed["name"] as? String == "Sales EU")

            let (saved, matrix) = try await call(
                app, .PUT, "/api/v1/contact-groups/\(salesID)/rights", token: w.adminToken,
                json: #"{"items":[{"userId":"\#(w.subscriberID)","right":"write","standard":true}]}"#)
            #expect(saved == .ok)
            let row = try #require((matrix["items"] as? [[String: Any]])?.first)
            #expect(row["userId"] as? String == w.subscriberID.uuidString)
            #expect(row["right"] as? String == "write")
            #expect(row["standard"] as? Bool == true)
            let (_, emptied) = try await call(
                app, .PUT, "/api/v1/contact-groups/\(salesID)/rights", token: w.adminToken, json: #"{"items":[]}"#)
            let cleared = try #require((emptied["items"] as? [[String: Any]])?.first)
            #expect(cleared["right"] == nil)
            #expect(cleared["standard"] as? Bool == false)
            let (needsWrite, needsWriteProblem) = try await call(
                app, .PUT, "/api/v1/contact-groups/\(salesID)/rights", token: w.adminToken,
                json: #"{"items":[{"userId":"\#(w.subscriberID)","right":"read","standard":true}]}"#)
            #expect(needsWrite == .unprocessableEntity)
            #expect(needsWriteProblem["code"] as? String == "standard_needs_write")

            let id = try await app.givenContact("Anne Alpha", in: [], by: w.admin)
            let members = #"{"contactIds":["\#(id)"]}"#
            let path = "/api/v1/contact-groups/\(salesID)"
            #expect(try await call(app, .POST, "\(path)/members", token: w.adminToken, json: members).0 == .noContent)
            #expect(try await call(app, .GET, path, token: w.adminToken).1["memberCount"] as? Int == 1)
            let remove = try await call(app, .POST, "\(path)/members/remove", token: w.adminToken, json: members)
            #expect(remove.0 == .noContent)
            #expect(try await call(app, .GET, path, token: w.adminToken).1["memberCount"] as? Int == 0)
            #expect(try await call(app, .DELETE, path, token: w.adminToken).0 == .noContent)
            #expect(try await call(app, .GET, path, token: w.adminToken).0 == .notFound)
            #expect(try await ContactModel.find(id, on: app.db) != nil)  // contacts outlive their groups
        }
    }

    @Test("a contact mirrored from a linked group is read-only, even for an admin")
    func linkedContact() async throws {
        try await withApp { app in
            let w = try await world(app)
            let linked = try await ContactGroupService(db: app.db).create(name: "CardDAV", kind: .linked, by: w.admin)
            let id = try await app.givenContact("Lina Linked", in: [], by: w.admin)
            let model = try #require(try await ContactModel.find(id, on: app.db))
            try await ContactService.add([model], to: [linked], on: app.db)  // as a sync would

            let (_, body) = try await call(app, .GET, "/api/v1/contacts/\(id)", token: w.adminToken)
            #expect(body["editable"] as? Bool == false)
            let edits: [(HTTPMethod, String, String?)] = [
                (.PUT, "/api/v1/contacts/\(id)", #"{"lastName":"Changed"}"#),
                (.DELETE, "/api/v1/contacts/\(id)", nil),
                (.POST, "/api/v1/contacts/delete", #"{"ids":["\#(id)"]}"#),
            ]
            for (method, path, json) in edits {
                let (status, problem) = try await call(app, method, path, token: w.adminToken, json: json)
                #expect(status == .conflict, "\(method) \(path)")
                #expect(problem["code"] as? String == "group_read_only")
            }
            #expect(try await ContactModel.find(id, on: app.db)?.lastName == "Linked")
        }
    }

    @Test("delete all: admins empty the address books, subscribers are refused")
    func deleteAll() async throws {
        try await withApp { app in
            let w = try await world(app)
            for name in ["Anne Alpha", "Bert Beta", "Nina Nowhere"] {
                try await app.givenContact(name, in: name.hasPrefix("N") ? [] : [w.a], by: w.admin)
            }
            let (refused, problem) = try await call(
                app, .DELETE, "/api/v1/contacts?confirm=all", token: w.subscriberToken)
            #expect(refused == .forbidden)
            #expect(problem["code"] as? String == "forbidden")
            #expect(try await call(app, .DELETE, "/api/v1/contacts", token: w.adminToken).0 == .badRequest)
            #expect(try await ContactModel.query(on: app.db).count() == 3)

            let (status, body) = try await call(app, .DELETE, "/api/v1/contacts?confirm=all", token: w.adminToken)
            #expect(status == .ok)
            #expect(body["deleted"] as? Int == 3)
            #expect(try await ContactModel.query(on: app.db).count() == 0)
            #expect(names(try await call(app, .GET, "/api/v1/contacts", token: w.adminToken).1).isEmpty)
        }
    }

    @Test("a full DECT group refuses more entries with 422 dect_group_full")
    func dectLimit() async throws {
        try await withApp { app in
            let w = try await world(app)
            for name in ["D One", "D Two", "D Three"] { try await app.givenContact(name, in: [w.b], by: w.admin) }
            let (status, problem) = try await call(
                app, .POST, "/api/v1/contacts", token: w.subscriberToken, json: #"{"lastName":"Four"}"#)
            #expect(status == .unprocessableEntity)
            #expect(problem["code"] as? String == "dect_group_full")
            #expect(try await ContactModel.query(on: app.db).count() == 3)

            let outside = try await app.givenContact("Eve Extra", in: [w.a], by: w.admin)
            let (added, addProblem) = try await call(
                app, .POST, "/api/v1/contact-groups/\(w.b)/members", token: w.adminToken,
                json: #"{"contactIds":["\#(outside)"]}"#)
            #expect(added == .unprocessableEntity)
            #expect(addProblem["code"] as? String == "dect_group_full")
            let (shrunk, shrinkProblem) = try await call(
                app, .PATCH, "/api/v1/contact-groups/\(w.b)", token: w.adminToken,
                json: #"{"dectLimits":{"maximumEntries":2,"maximumNameLength":24}}"#)
            #expect(shrunk == .unprocessableEntity)
            #expect(shrinkProblem["code"] as? String == "dect_group_full")
        }
    }

    @Test("the API's enums spell every domain value")
    func enumsMirrorTheDomain() {
        for type in PhoneType.allCases { #expect(Components.Schemas.PhoneType(rawValue: type.rawValue) != nil) }
        for type in EmailType.allCases {
            #expect(Components.Schemas.Email._TypePayload(rawValue: type.rawValue) != nil)
        }
        for type in AddressType.allCases {
            #expect(Components.Schemas.PostalAddress._TypePayload(rawValue: type.rawValue) != nil)
        }
        for kind in SwitchboardCore.ContactGroupKind.allCases {
            #expect(Components.Schemas.ContactGroupKind(rawValue: kind.rawValue) != nil)
        }
        for right in GroupRight.allCases {
            #expect(Components.Schemas.GroupRightEntry.RightPayload(rawValue: right.rawValue) != nil)
        }
    }

    @Test("a contact's photo: PNG or JPEG in, the same bytes out; writers only; C stays hidden")
    func photo() async throws {
        try await withApp { app in
            let w = try await world(app)
            let inA = try await app.givenContact("Anne Alpha", in: [w.a], by: w.admin)
            let inB = try await app.givenContact("Bert Beta", in: [w.b], by: w.admin)
            let inC = try await app.givenContact("Cleo Gamma", in: [w.c], by: w.admin)
            let jpeg = try Application.fixture("contact-120x90.jpg")
            func put(_ id: UUID, _ data: Data, _ type: String, token: String) async throws -> HTTPResponseStatus {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = .init(token: token)
                headers.replaceOrAdd(name: .contentType, value: type)
                return try await app.testing().sendRequest(
                    .PUT, "/api/v1/contacts/\(id)/photo", headers: headers, body: ByteBuffer(data: data)
                ).status
            }
            #expect(try await put(inB, jpeg, "image/jpeg", token: w.subscriberToken) == .noContent)
            #expect(try await put(inA, jpeg, "image/jpeg", token: w.subscriberToken) == .forbidden)
            #expect(try await put(inC, jpeg, "image/jpeg", token: w.subscriberToken) == .notFound)
            #expect(
                try await put(inB, Data("text".utf8), "image/png", token: w.subscriberToken) == .unprocessableEntity)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: w.subscriberToken)
            let got = try await app.testing().sendRequest(.GET, "/api/v1/contacts/\(inB)/photo", headers: headers)
            #expect(got.status == .ok && got.headers.contentType?.subType == "jpeg")
            #expect(Data(buffer: got.body) == jpeg)
            #expect(
                try await call(app, .DELETE, "/api/v1/contacts/\(inB)/photo", token: w.subscriberToken).0 == .noContent)
            #expect(try await call(app, .GET, "/api/v1/contacts/\(inB)/photo", token: w.subscriberToken).0 == .notFound)
            #expect(try await put(inC, jpeg, "image/jpeg", token: w.adminToken) == .noContent)
            #expect(try await call(app, .GET, "/api/v1/contacts/\(inC)/photo", token: w.subscriberToken).0 == .notFound)
        }
    }
}
