import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor

@testable import App

/// The directory's searches on the database in use (SQLite here, PostgreSQL in `make test`'s second run): several
/// alternatives of a filter merged in the database's own order, paged to the end, within the identity's reach.
@Suite("LDAP directory searches")
struct LDAPDirectoryTests {
    func service(_ app: Application) -> LDAPDirectoryService {
        LDAPDirectoryService(
            db: app.db, hasher: app.passwordHashing, throttle: app.loginThrottle, decoyDigest: app.signInDecoyDigest,
            verified: app.directoryCredentials, dialPlan: DialPlan(), baseDN: LDAPName("dc=switchboard")!)
    }

    func search(_ filter: LDAPFilter) -> LDAPRequest.Search {
        LDAPRequest.Search(
            base: "ou=contacts,dc=switchboard", scope: .sub, sizeLimit: 0, timeLimit: 0, typesOnly: false,
            filter: filter, attributes: ["cn"])
    }

    @Test("an OR of name attributes (five list searches), paged by 7: every match once, nothing outside the reach")
    func pagedAlternatives() async throws {
        try await withApp { app in
            let admin = try await app.givenAdmin()
            let sales = try await app.givenGroup("Sales", by: admin)
            let board = try await app.givenGroup("Board", by: admin)
            // Names that order differently by byte and by a linguistic collation ("de la cruz" / "dean", "~" names).
            var expected: [String] = []
            for name in ["Ann Dean", "Bob de la Cruz", "Ørjan Dahl", "Dana Li", "Eve Durand", "Łukasz Dudek"] {
                for copy in 0..<4 {
                    try await app.givenContact("\(name) \(copy)", in: [sales], by: admin)
                    expected.append("\(name) \(copy)")
                }
            }
            try await app.givenContact("Dora Secret", in: [board], by: admin)
            _ = try await ContactService(db: app.db).create(
                Contact(firstName: "Zed", lastName: "Nobody", company: "Dune Ltd"), in: [sales], by: admin)
            expected.append("Zed Nobody")
            let subscriber = try await app.givenSubscriber("sid", rights: [sales: .read])
            let user = subscriber.user
            let identity = LDAPDirectoryService.Identity.user(
                id: try user.requireID(), epoch: user.sessionEpoch, passwordHash: user.passwordHash, clientAddress: nil)
            // (|(cn=d*)(sn=d*)(givenName=d*)(o=d*)): "d" at the start of a name, a last name, a first name, a company.
            let filter = LDAPFilter.or(
                ["cn", "sn", "givenname", "o"].map { .substrings($0, initial: "d", any: [], final: nil) })
            let reach = try #require(try await service(app).reach(of: identity))
            var found: [String] = []
            var cursor: ContactSearch.Cursor?
            var pages = 0
            repeat {
                let page = try await service(app).search(
                    search(filter), reach: reach, limit: 7, after: cursor, deadline: .now + .seconds(30))
                found += page.entries.compactMap { $0.attributes.first { $0.0 == "cn" }?.1.first }
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 20
            // Every Sales contact has a word starting with "d" in one of those (Zed by his company), none of the Board's.
            #expect(found.count == Set(found).count, "an entry came twice")
            #expect(found.sorted() == expected.sorted())
            #expect(pages == 4)
            // Once the account's password is reset, the bind reaches nothing.
            try await UserService(db: app.db, hasher: app.passwordHashing).resetPassword(
                try user.requireID(), to: "another-password-1", by: admin)
            #expect(try await service(app).reach(of: identity) == nil)
        }
    }
}
