import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// Address books for the interchange tests. Subscriber "sid": read on A, write on B (standard) and on
/// D (DECT: 3 entries, names of 12 characters at most), nothing on C. "rita" reads A and writes nowhere.
struct InterchangeWorld {
    let admin: Actor
    let adminToken: String
    let sidToken: String
    let a: ContactGroupModel
    let b: ContactGroupModel
    let c: ContactGroupModel
    let d: ContactGroupModel
    /// In A, two numbers.
    let anne: ContactModel
    /// In B, with a JPEG photo and accents.
    let emile: ContactModel
    /// In C.
    let cleo: ContactModel
    /// In no group.
    let nina: ContactModel

    static let password = "password-123"

    static func make(_ app: Application) async throws -> Self {
        let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
        let admin = Actor(user: adminUser, clientAddress: nil)
        let groups = ContactGroupService(db: app.db)
        let a = try await groups.create(name: "Group A", kind: .standard, by: admin)
        let b = try await groups.create(name: "Group B", kind: .standard, by: admin)
        let c = try await groups.create(name: "Group C", kind: .standard, by: admin)
        let d = try await groups.create(
            name: "Handsets", kind: .dect, dectLimits: DECTLimits(maximumEntries: 3, maximumNameLength: 12), by: admin)
        let sid = try await app.makeUser("sid", phoneExtension: "301", password: password)
        try await groups.setRight(.read, for: sid.requireID(), on: a.requireID(), by: admin)
        try await groups.setRight(.write, isStandard: true, for: sid.requireID(), on: b.requireID(), by: admin)
        try await groups.setRight(.write, for: sid.requireID(), on: d.requireID(), by: admin)
        let rita = try await app.makeUser("rita", password: password)
        try await groups.setRight(.read, for: rita.requireID(), on: a.requireID(), by: admin)
        let contacts = ContactService(db: app.db)
        let anne = try await contacts.create(
            Contact(
                firstName: "Anne", lastName: "Alpha", company: "Alpha SA",
                phones: [
                    .init(type: .business, number: "+33 1 11 11 11 11"),
                    .init(type: .mobile, number: "06 11 11 11 11", preferred: true),
                ],
                emails: [.init(type: .business, address: "anne@alpha.example")]),
            in: [a.requireID()], by: admin)
        let emile = try await contacts.create(
            Contact(
                firstName: "Émile", lastName: "Zola", company: "Fasquelle & Fils", jobTitle: "Écrivain",
                birthday: "1840-04-02", notes: "Prefers letters", shortCode: "42",
                phones: [.init(type: .business, number: "+33 1 23 45 67 89")],
                addresses: [.init(type: .business, street: "11 rue de Grenelle", postalCode: "75007", city: "Paris")]),
            in: [b.requireID()], by: admin)
        try await contacts.setPhoto(
            try Application.fixture("contact-120x90.jpg"), of: emile.requireID(), rules: PhotoRules(), by: admin)
        let cleo = try await contacts.create(
            Contact(
                firstName: "Cleo", lastName: "Gamma", phones: [.init(type: .business, number: "+33 3 33 33 33 33")]),
            in: [c.requireID()], by: admin)
        let nina = try await contacts.create(Contact(firstName: "Nina", lastName: "Nogroup"), in: [], by: admin)
        return Self(
            admin: admin, adminToken: try await app.makeToken(for: adminUser),
            sidToken: try await app.makeToken(for: sid), a: a, b: b, c: c, d: d, anne: anne, emile: emile,
            cleo: cleo, nina: nina)
    }

    static func signedIn(_ app: Application, _ username: String, live: Bool = false) async throws -> Browser {
        let browser = Browser(app, live: live)
        let password = username == "admin" ? TestEnvironment.adminPassword : Self.password
        let response = try await browser.signIn(username, password)
        // A live client follows the redirect to the contacts list.
        #expect(response.status == (live ? .ok : .seeOther))
        return browser
    }

    /// An API request with `token`; the body as given, its type `contentType`.
    static func api(
        _ app: Application, _ method: HTTPMethod, _ path: String, token: String, contentType: String? = nil,
        accept: String? = nil, body: Data? = nil
    ) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        if let contentType { headers.replaceOrAdd(name: .contentType, value: contentType) }
        if let accept { headers.replaceOrAdd(name: .accept, value: accept) }
        return try await app.testing().sendRequest(
            method, path, headers: headers, body: body.map { ByteBuffer(data: $0) })
    }

    static func json(_ response: TestingHTTPResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func count(_ app: Application) async throws -> Int { try await ContactModel.query(on: app.db).count() }
}
