import Fluent
import Foundation
import SwiftASN1
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

    /// The first `cn` of an encoded entry (SearchResultEntry: the DN, then a sequence of attributes, each a name and
    /// a set of values).
    static func name(of entry: [UInt8]) -> String? {
        guard let node = try? BER.parse(entry), case .constructed(let parts) = node.content else { return nil }
        var fields = parts.makeIterator()
        _ = fields.next()
        guard let list = fields.next(), case .constructed(let attributes) = list.content else { return nil }
        for attribute in attributes {
            guard case .constructed(let pair) = attribute.content else { continue }
            var items = pair.makeIterator()
            guard let type = items.next().flatMap({ try? ASN1OctetString(berEncoded: $0) }),
                String(decoding: type.bytes, as: UTF8.self) == "cn",
                let set = items.next(), case .constructed(let values) = set.content,
                let first = values.first(where: { _ in true }).flatMap({ try? ASN1OctetString(berEncoded: $0) })
            else { continue }
            return String(decoding: first.bytes, as: UTF8.self)
        }
        return nil
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
                found += page.entries.compactMap { Self.name(of: $0) }
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

    /// The names a search by `reach` finds for `(cn=d*)`.
    func names(_ service: LDAPDirectoryService, _ reach: LDAPDirectoryService.Reach) async throws -> [String] {
        let filter = LDAPFilter.substrings("cn", initial: "d", any: [], final: nil)
        let answer = try await service.search(
            search(filter), reach: reach, limit: 50, after: nil, deadline: .now + .seconds(30))
        return answer.entries.compactMap { Self.name(of: $0) }.sorted()
    }

    @Test(
        "kept answers: a second search is answered from memory; any change to a contact or a membership is seen at once; two reaches never share an answer"
    )
    func keptAnswers() async throws {
        try await withApp { app in
            let admin = try await app.givenAdmin()
            let sales = try await app.givenGroup("Sales", by: admin)
            let board = try await app.givenGroup("Board", by: admin)
            let dan = try await app.givenContact("Dan One", in: [sales], by: admin)
            let dora = try await app.givenContact("Dora Two", in: [board], by: admin)
            let subscriber = try await app.givenSubscriber("sid", rights: [sales: .read]).user
            let answers = LDAPAnswerCache(budget: 1 << 20)
            var service = service(app)
            service.answers = answers
            let identity = LDAPDirectoryService.Identity.user(
                id: try subscriber.requireID(), epoch: subscriber.sessionEpoch, passwordHash: subscriber.passwordHash,
                clientAddress: nil)
            let reach = try #require(try await service.reach(of: identity))
            let boardReach = LDAPDirectoryService.Reach(scope: .group(board), access: ContactAccess(role: .admin))

            #expect(try await names(service, reach) == ["Dan One"])
            #expect(try await names(service, reach) == ["Dan One"])
            #expect(answers.statistics.hits == 1 && answers.statistics.misses == 1)
            let again = try await service.search(
                search(.substrings("cn", initial: "d", any: [], final: nil)), reach: reach, limit: 50, after: nil,
                deadline: .now + .seconds(30))
            #expect(again.fromMemory && again.entries.count == 1)
            #expect(answers.statistics.hits == 2)
            // Another reach, the same search: its own answer.
            #expect(try await names(service, boardReach) == ["Dora Two"])
            #expect(answers.statistics.hits == 2 && answers.statistics.misses == 2)

            let generation = try #require(try await ContactStore.generation(on: app.db))
            let contacts = ContactService(db: app.db)
            _ = try await contacts.update(dan, with: Contact(firstName: "Dan", lastName: "Renamed"), by: admin)
            #expect(try await ContactStore.generation(on: app.db) ?? -1 > generation)
            #expect(try await names(service, reach) == ["Dan Renamed"])
            // A membership added, then removed.
            try await ContactGroupService(db: app.db).add([dora], to: sales, by: admin)
            #expect(try await names(service, reach) == ["Dan Renamed", "Dora Two"])
            try await ContactGroupService(db: app.db).remove([dora], from: sales, by: admin)
            #expect(try await names(service, reach) == ["Dan Renamed"])
            // A new contact, then a deleted one.
            let dina = try await app.givenContact("Dina Three", in: [sales], by: admin)
            #expect(try await names(service, reach) == ["Dan Renamed", "Dina Three"])
            _ = try await contacts.delete([dina], by: admin)
            #expect(try await names(service, reach) == ["Dan Renamed"])
            // A group deleted takes its memberships: its contacts are no longer found through it.
            #expect(try await names(service, boardReach) == ["Dora Two"])
            let before = try #require(try await ContactStore.generation(on: app.db))
            try await ContactGroupService(db: app.db).delete(board, by: admin)
            #expect(try await ContactStore.generation(on: app.db) ?? -1 > before)
            #expect(try await names(service, boardReach) == [])
            // Nothing changed since the last search: answered from memory.
            #expect(try await names(service, reach) == ["Dan Renamed"])
            let hits = answers.statistics.hits
            #expect(try await names(service, reach) == ["Dan Renamed"])
            #expect(answers.statistics.hits == hits + 1)
        }
    }

    @Test("kept answers stay within their budget, those not used lately going first")
    func keptAnswersBudget() throws {
        let search = LDAPRequest.Search(
            base: "dc=switchboard", scope: .sub, sizeLimit: 0, timeLimit: 0, typesOnly: false,
            filter: .present("cn"), attributes: ["cn"])
        func key(_ limit: Int) -> LDAPAnswerCache.Key {
            LDAPAnswerCache.Key(search: search, limit: limit, after: nil, scope: .all, role: .admin, readable: nil)
        }
        var answer = LDAPDirectoryService.SearchResult()
        answer.entries = (0..<10).map {
            LDAPResponse.entryOperation(
                dn: "uid=\($0),dc=switchboard", attributes: [("cn", [String(repeating: "x", count: 100)])])
        }
        let size = LDAPAnswerCache.size(of: answer, key: key(1))
        // Room for ten: five in the recent half, five in the older one.
        let answers = LDAPAnswerCache(budget: size * 10)
        for limit in 1...6 { answers.keep(answer, for: key(limit), generation: 1) }
        // The first is used again; four more push the second to the fifth out, never the first.
        #expect(answers.answer(for: key(1), generation: 1) != nil)
        for limit in 7...10 { answers.keep(answer, for: key(limit), generation: 1) }
        #expect(answers.bytes <= size * 10)
        #expect(answers.answer(for: key(1), generation: 1) != nil)
        #expect(answers.answer(for: key(10), generation: 1) != nil)
        #expect(answers.answer(for: key(6), generation: 1) != nil)
        for limit in 2...5 { #expect(answers.answer(for: key(limit), generation: 1) == nil) }
        // A search that started before a change: its answer is not kept once the change is seen, nor found after it.
        #expect(answers.answer(for: key(1), generation: 2) == nil)
        answers.keep(answer, for: key(3), generation: 1)
        #expect(answers.answer(for: key(3), generation: 2) == nil)
        #expect(answers.bytes == 0)
        // A generation lower than the one kept (a database made again) empties the cache too.
        answers.keep(answer, for: key(3), generation: 2)
        #expect(answers.answer(for: key(3), generation: 1) == nil)
        #expect(answers.answer(for: key(3), generation: 2) == nil)
        // A timed-out answer is not kept.
        var late = answer
        late.timedOut = true
        answers.keep(late, for: key(4), generation: 2)
        #expect(answers.answer(for: key(4), generation: 2) == nil)
        // A filter's text counts: a large one costs as much as it holds.
        let long = String(repeating: "a", count: 60_000)
        #expect(LDAPAnswerCache.size(of: .equality("cn", long)) > 60_000)
        #expect(LDAPAnswerCache.size(of: .or([.substrings("cn", initial: long, any: [long], final: nil)])) > 120_000)
    }
}
