import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// The contacts list's state is read once (`ContactListQuery`): the page and the API accept the same tabs and filters
/// and refuse the same bad input with the same status.
@Suite("Contacts list query: one reading for the page and the API")
struct ListQueryTests {
    @Test("the same bad input gets the same answer from the page and from the API")
    func sameRefusals() async throws {
        try await withApp { app in
            let admin = try await app.givenAdmin()
            let a = try await app.givenGroup("A", by: admin)
            _ = try await app.givenContact("Anne Alpha", in: [a], by: admin)
            let browser = Browser(app)
            _ = try await browser.signIn("admin", TestEnvironment.adminPassword)
            let token = try await app.makeToken(for: admin.user)
            func api(_ query: String) async throws -> HTTPStatus {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = .init(token: token)
                return try await app.testing().sendRequest(.GET, "/api/v1/contacts?" + query, headers: headers).status
            }
            // (page query, API query, expected status)
            let cases: [(String, String, HTTPStatus)] = [
                ("tab=M", "tab=M", .ok),
                ("tab=", "tab=", .badRequest),
                ("group=", "group=", .notFound),
                ("name=%20%20", "name=%20%20", .ok),
                ("tab=ZZ", "tab=ZZ", .badRequest),
                ("tab=m", "tab=m", .badRequest),
                ("group=\(a)", "group=\(a)", .ok),
                ("group=\(UUID())", "group=\(UUID())", .notFound),
                ("group=none", "withoutGroup=true", .ok),
                ("group=sales", "group=none", .notFound),
                ("after=forged", "cursor=forged", .unprocessableEntity),
                ("after=", "cursor=", .ok),
            ]
            for (page, query, expected) in cases {
                #expect(try await browser.get("/contacts?" + page).status == expected, "page: \(page)")
                #expect(try await api(query) == expected, "API: \(query)")
            }
        }
    }

    @Test("scope, tab, filters, cursor and limit are read by one rule")
    func reading() throws {
        let group = UUID()
        #expect(try ContactListQuery(group: group.uuidString).search(dialPlan: DialPlan()).scope == .group(group))
        #expect(throws: SwitchboardError.notFound) { try ContactListQuery(group: "none").search(dialPlan: DialPlan()) }
        #expect(try ContactListQuery(withoutGroup: true).search(dialPlan: DialPlan()).scope == .withoutGroup)
        #expect(throws: SwitchboardError.filtersConflict) {
            try ContactListQuery(group: group.uuidString, withoutGroup: true).search(dialPlan: DialPlan())
        }
        #expect(throws: SwitchboardError.notFound) { try ContactListQuery(group: "sales").search(dialPlan: DialPlan()) }
        #expect(throws: SwitchboardError.badRequest) { try ContactListQuery(tab: "AB").search(dialPlan: DialPlan()) }
        #expect(throws: SwitchboardError.badRequest) { try ContactListQuery(limit: 0).search(dialPlan: DialPlan()) }
        #expect(throws: SwitchboardError.badRequest) { try ContactListQuery(limit: 201).search(dialPlan: DialPlan()) }
        #expect(throws: SwitchboardError.cursorInvalid) {
            try ContactListQuery(cursor: "x").search(dialPlan: DialPlan())
        }
        let search = try ContactListQuery(tab: "#", filters: [.name: " ", .number: "0478"]).search(dialPlan: DialPlan())
        #expect(search.tab == "#")
        #expect(search.filters == [.number: "0478"])
        #expect(search.limit == 50)
        let cursor = ContactSearch.Cursor(sortKey: "dupont", id: group)
        #expect(try ContactListQuery(cursor: cursor.token).search(dialPlan: DialPlan()).after == cursor)
    }
}
