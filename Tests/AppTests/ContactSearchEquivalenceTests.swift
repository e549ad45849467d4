import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Testing
import Vapor

@testable import App

/// The list's search takes shortcuts (a bounded walk, the words index, a covering index scan, candidates in chunks);
/// whatever it takes, its pages must be exactly the plain query's rows: every condition in one statement, ordered by
/// the sort key, read to the end (`ContactSearch.rows`, what exports use). Compared page by page on sample data larger
/// than the walk's window, for both databases (the PostgreSQL run of `make test` runs this suite too).
@Suite("Contacts search: every shortcut returns the plain query's rows, order and rights")
struct ContactSearchEquivalenceTests {
    /// Every contact `search` finds, in display order, from the plain query.
    private func plain(_ search: ContactSearch, _ access: ContactAccess, on db: any Database) async throws -> [UUID] {
        var search = search
        search.after = nil
        search.limit = 100_000
        return try await search.rows(on: db, access: access, columns: "c.id").rows.map {
            try $0.decode(column: "id", as: UUID.self)
        }
    }

    /// Every contact `search` finds, page after page through the cursor, as the list reads them.
    private func paged(
        _ search: ContactSearch, _ access: ContactAccess, limit: Int, limits: ContactSearch.Limits, on db: any Database
    ) async throws -> [UUID] {
        var search = search
        search.limit = limit
        search.limits = limits
        var ids: [UUID] = []
        while true {
            let page = try await search.run(on: db, access: access)
            #expect(page.contacts.count <= limit)
            ids += page.contacts.map(\.id)
            guard let next = page.next else { return ids }
            #expect(page.contacts.count == limit, "a page with a next link is full")
            search.after = next
            if ids.count > 10_000 { return ids }
        }
    }

    @Test("name (one word, two words, accents, case), number, company, city, e-mail; with tabs, groups, rights")
    func sameRowsAsThePlainQuery() async throws {
        try await withApp { app in
            let db = app.db
            var groups: [ContactGroupModel] = []
            for index in 0..<4 {
                let group = ContactGroupModel(name: "Group \(index)", kind: .standard)
                try await group.create(on: db)
                groups.append(group)
            }
            // Realistic names with accents; the search's limits are made small below, so that these few thousand
            // contacts take every path (both windows, the words index, the scan, walking on past them).
            var data = SampleData(seed: 2026)
            var contacts = (0..<2_600).map { _ in data.contact() }
            // Rare names past the window (under Z and W), names outside A–Z, and names sharing a sort key.
            contacts += [
                Contact(firstName: "Zacharie", lastName: "Quennevat"),
                Contact(firstName: "Wendelin", lastName: "Zqorn"),
                Contact(firstName: "Émile", lastName: "Zqorn"), Contact(displayName: "123 Taxi"),
                Contact(displayName: "Ωmega Services"), Contact(firstName: "Jean", lastName: "Dupont"),
                Contact(firstName: "Jean", lastName: "Dupont"), Contact(firstName: "Ÿvonne", lastName: "Weiß"),
                Contact(displayName: "100% Bio_Shop"), Contact(displayName: "Back\\slash & Co"),
                Contact(displayName: "Zoo Bio_\u{200D}Shop"), Contact(displayName: "Zoo BioX\u{200D}Shop"),
            ]
            var members: [ContactGroupMemberModel] = []
            var models: [ContactModel] = []
            for contact in contacts {
                let model = ContactModel(contact)
                model.id = UUID()
                models.append(model)
                for group in data.memberships(groupCount: groups.count) {
                    members.append(
                        ContactGroupMemberModel(
                            contactID: model.id!, groupID: groups[group].id!, sortKey: model.sortKey))
                }
            }
            for start in stride(from: 0, to: models.count, by: 500) {
                try await Array(models[start..<min(models.count, start + 500)]).create(on: db)
            }
            for start in stride(from: 0, to: members.count, by: 500) {
                try await Array(members[start..<min(members.count, start + 500)]).create(on: db)
            }

            let admin = ContactAccess(role: .admin)
            let subscriber = ContactAccess(role: .subscriber, rights: [groups[0].id!: .read, groups[1].id!: .write])
            let plan = DialPlan()
            var searches: [(String, ContactSearch)] = []
            for name in [
                "an", "AN", "  an ", "e", "é", "émile", "EMILE", "muller", "müller", "weiss", "weiß", "ß", "son", "zq",
                "zqorn", "quennevat", "n d", "é d", "jean dup", "jean dupont", "le z", "brown & co", "d'arcy", "o'b",
                "ωmega", "123", "xyzzy", "a b c", "%", "_", "0% b", "o_s", "\\", "k\\s", "o_\u{200D}s",
            ] {
                searches.append(("name \(name)", ContactSearch(filters: [.name: name])))
            }
            for number in ["12", "0", "0478", "+33 4 78", "0033 1", "+49 151", "170", "44 20", "x"] {
                searches.append(("number \(number)", ContactSearch(filters: [.number: number], dialPlan: plan)))
            }
            searches += [
                ("company gmbh", ContactSearch(filters: [.company: "gmbh"])),
                ("city koln", ContactSearch(filters: [.city: "koln"])),
                ("city Saint-É", ContactSearch(filters: [.city: "Saint-É"])),
                ("email example", ContactSearch(filters: [.email: "example"])),
                ("first name hel", ContactSearch(filters: [.firstName: "hel"])),
                ("last name mull", ContactSearch(filters: [.lastName: "mull"])),
                ("tab M", ContactSearch(tab: "M")), ("tab #", ContactSearch(tab: "#")),
                ("tab Z + zq", ContactSearch(tab: "Z", filters: [.name: "zq"])),
                ("tab M + name mu", ContactSearch(tab: "M", filters: [.name: "mu"])),
                ("tab E + name mi", ContactSearch(tab: "E", filters: [.name: "mi"])),
                ("name an + number 12", ContactSearch(filters: [.name: "an", .number: "12"], dialPlan: plan)),
                ("tab M + number 0478", ContactSearch(tab: "M", filters: [.number: "0478"], dialPlan: plan)),
                ("tab # + number +33", ContactSearch(tab: "#", filters: [.number: "+33"], dialPlan: plan)),
                ("name e + number 06", ContactSearch(filters: [.name: "e", .number: "06"], dialPlan: plan)),
                ("number 06 + city", ContactSearch(filters: [.number: "06", .city: "a"], dialPlan: plan)),
                (
                    "group 1 + number +49",
                    ContactSearch(scope: .group(groups[1].id!), filters: [.number: "+49"], dialPlan: plan)
                ),
                ("name n d + company", ContactSearch(filters: [.name: "n d", .company: "a"])),
                ("group 0 + name an", ContactSearch(scope: .group(groups[0].id!), filters: [.name: "an"])),
                ("group 2 + name zq", ContactSearch(scope: .group(groups[2].id!), filters: [.name: "zq"])),
                ("group 1 + tab W", ContactSearch(scope: .group(groups[1].id!), tab: "W")),
                ("without group + name e", ContactSearch(scope: .withoutGroup, filters: [.name: "e"])),
                ("everything", ContactSearch()),
            ]
            // Small: the words index and the scan answer rare filters. Tiny: they give up at once, the walk goes on.
            let small = ContactSearch.Limits(
                window: 100, longWindow: 400, scan: 60, words: 40, candidates: 400, numberStarts: 20)
            let tiny = ContactSearch.Limits(
                window: 10, longWindow: 30, scan: 1, words: 1, candidates: 5, numberStarts: 1)
            var checked = 0
            for (label, search) in searches {
                for (who, access) in [("admin", admin), ("subscriber", subscriber)] {
                    let expected = try await plain(search, access, on: db)
                    for (limit, limits) in [(7, small), (50, small), (50, tiny), (50, ContactSearch.Limits())] {
                        let found = try await paged(search, access, limit: limit, limits: limits, on: db)
                        let firstDifference =
                            Array(zip(found, expected)).firstIndex { $0.0 != $0.1 } ?? min(found.count, expected.count)
                        let same = found == expected
                        #expect(
                            same,
                            "\(label), \(who), pages of \(limit), \(limits): \(found.count) rows, expected \(expected.count); first difference at \(firstDifference)"
                        )
                    }
                    checked += expected.count
                }
            }
            // The plain query itself finds what the names hold, read here without the database (wildcards literal).
            let folded = models.map { (id: $0.id!, name: SearchFolding.fold($0.displayName)) }
            for (label, search) in searches {
                guard let filter = search.filters[.name], search.filters.count == 1, search.scope == .all,
                    search.tab == nil
                else { continue }
                let text = SearchFolding.fold(filter.trimmingCharacters(in: .whitespaces))
                let expected = Set(folded.filter { $0.name.contains(text) }.map(\.id))
                #expect(Set(try await plain(search, admin, on: db)) == expected, "\(label)")
            }
            // The comparisons are not vacuous: the filters find rows, rare ones and none among them.
            #expect(checked > 20_000)
            let rare = try await plain(ContactSearch(filters: [.name: "zqorn"]), admin, on: db)
            #expect(rare.count == 2)
            let twoWords = try await plain(ContactSearch(filters: [.name: "jean dupont"]), admin, on: db)
            #expect(twoWords.count == 2)
            let subscriberSees = Set(try await plain(ContactSearch(), subscriber, on: db))
            let readable = Set(
                members.filter { [groups[0].id!, groups[1].id!].contains($0.$group.id) }.map(\.$contact.id))
            #expect(subscriberSees == readable)
        }
    }
    @Test("a number's beginning is found in the digits index, which follows every change of the contact's numbers")
    func numberDigitsFollowChanges() async throws {
        try await withApp { app in
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let contacts = ContactService(db: app.db)
            for index in 0..<40 {
                _ = try await contacts.create(
                    Contact(
                        displayName: "Filler \(index)",
                        phones: [.init(type: .business, number: "01 23 45 67 \(10 + index)")]),
                    in: [], by: admin)
            }
            let rare = try await contacts.create(
                Contact(displayName: "Zed Rare", phones: [.init(type: .mobile, number: "+33 4 78 12 34 56")]), in: [],
                by: admin)
            let id = try rare.requireID()
            // Limits that leave the walk after two rows, the rest from the digits index; and limits that read it at once.
            let afterWalk = ContactSearch.Limits(
                window: 2, longWindow: 4, scan: 10, words: 10, candidates: 10, numberStarts: 0)
            var atOnce = afterWalk
            atOnce.numberStarts = 10
            func found(_ number: String) async throws -> [String] {
                var names: [[String]] = []
                for limits in [afterWalk, atOnce] {
                    var search = ContactSearch(filters: [.number: number], dialPlan: DialPlan())
                    search.limits = limits
                    names.append(try await contacts.search(search, by: admin).contacts.map(\.displayName))
                }
                #expect(names[0] == names[1])
                return names[0]
            }
            #expect(try await found("04 78") == ["Zed Rare"])
            #expect(try await found("+33 4 78 12") == ["Zed Rare"])
            _ = try await contacts.update(
                id, with: Contact(displayName: "Zed Rare", phones: [.init(type: .mobile, number: "05 12 00 00 00")]),
                by: admin)
            #expect(try await found("04 78").isEmpty)
            #expect(try await found("0512") == ["Zed Rare"])
            _ = try await contacts.delete([id], by: admin)
            #expect(try await found("0512").isEmpty)
            let left = try await (app.db as! any SQLDatabase).raw(
                "SELECT count(*) AS n FROM contact_number_digits WHERE contact_id = \(bind: id)"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(left == 0)
            let all = try await (app.db as! any SQLDatabase).raw("SELECT count(*) AS n FROM contact_number_digits")
                .first()?.decode(column: "n", as: Int.self)
            #expect(all == 40)
        }
    }
}
