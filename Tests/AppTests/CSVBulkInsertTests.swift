import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A CSV import inserts contacts and memberships with raw multi-row statements, not through Fluent: what it writes
/// must be what Fluent would, so that search, the words index and caller-ID lookup find imported contacts.
@Suite("Interchange: CSV import writes what Fluent writes")
struct CSVBulkInsertTests {
    private static let people = [
        Contact(
            title: "M.", firstName: "Émile", lastName: "Zola", company: "Fasquelle & Fils", notes: "Prefers letters",
            shortCode: "42", phones: [.init(type: .business, number: "+33 1 23 45 67 89", preferred: true)],
            emails: [.init(type: .private, address: "Emile@Example.org")],
            addresses: [.init(type: .business, street: "1 rue de Paris", postalCode: "78670", city: "Médan")]),
        Contact(
            displayName: "Jean-Pierre d'Arc", phones: [.init(type: .mobile, number: "06 11 22 33 44")]),
        Contact(company: "Œuvre Straße", phones: [.init(type: .other, number: "0049 (0)89 1234 5678")]),
        Contact(firstName: "Zoë", lastName: "Ørsted"),
        Contact(displayName: "123 Taxi"),
    ]

    private static func csv(_ contacts: [Contact]) -> Data {
        var text = CSVWriter.record(SwitchboardCSV.header, delimiter: .semicolon)
        for contact in contacts {
            text += CSVWriter.record(
                SwitchboardCSV.row(for: contact).map(CSVWriter.neutralised), delimiter: .semicolon)
        }
        return Data(text.utf8)
    }

    @Test("every column, the words and number keys, memberships and counts are those of a contact saved by Fluent")
    func sameAsFluent() async throws {
        try await withApp { app in
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let groups = ContactGroupService(db: app.db)
            let group = try await groups.create(name: "Imported", kind: .standard, by: admin)
            let report = try await CSVImportService(db: app.db).importCSV(
                Self.csv(Self.people), options: .init(), into: [group.requireID()], duplicates: .skip, by: admin)
            #expect(report.count(.created) == Self.people.count)
            #expect(report.count(.failed) == 0)

            let imported = try await ContactModel.query(on: app.db).all()
            #expect(imported.count == Self.people.count)
            for model in imported {
                let fluent = ContactModel(model.toDomain())
                #expect(model.displayName == fluent.displayName)
                #expect(model.sortKey == fluent.sortKey)
                #expect(model.initial == fluent.initial)
                #expect(model.searchName == fluent.searchName)
                #expect(model.searchFirstName == fluent.searchFirstName)
                #expect(model.searchLastName == fluent.searchLastName)
                #expect(model.searchCompany == fluent.searchCompany)
                #expect(model.searchEmail == fluent.searchEmail)
                #expect(model.searchCity == fluent.searchCity)
                #expect(model.searchNumber == fluent.searchNumber)
                #expect(model.nameWords == fluent.nameWords)
                #expect(model.numberKeys == fluent.numberKeys)
                #expect(model.createdAt != nil && model.updatedAt != nil)
            }
            let emile = try #require(imported.first { $0.lastName == "Zola" })
            #expect(emile.toDomain() == (try ContactRules.normalized(Self.people[0])))
            #expect(emile.searchName == "emile zola" && emile.searchCity == "medan")
            #expect(try await ContactModel.query(on: app.db).filter(\.$shortCode == "42").count() == 1)

            // The triggers fanned the derived columns out.
            let sql = app.db as! any SQLDatabase
            let words = try await sql.raw("SELECT word FROM contact_name_words ORDER BY word").all()
                .map { try $0.decode(column: "word", as: String.self) }
            #expect(Set(words).isSuperset(of: ["jean", "pierre", "arc", "emile", "zola", "oeuvre", "strasse", "taxi"]))
            let keys = try await sql.raw("SELECT number FROM contact_number_keys").all()
                .map { try $0.decode(column: "number", as: String.self) }
            #expect(keys.sorted() == ["+33 1 23 45 67 89", "0049 (0)89 1234 5678", "06 11 22 33 44"])

            // Memberships with the contacts' sort keys, and the group's count.
            let members = try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == group.requireID())
                .all()
            #expect(members.count == Self.people.count)
            let sortKeys = Dictionary(uniqueKeysWithValues: imported.map { ($0.id!, $0.sortKey) })
            #expect(members.allSatisfy { sortKeys[$0.$contact.id] == $0.sortKey })
            #expect(try await ContactGroupModel.find(group.requireID(), on: app.db)?.memberCount == Self.people.count)

            // The list finds them by a word of the name, and in display order.
            let contacts = ContactService(db: app.db)
            let found = try await contacts.search(ContactSearch(filters: [.name: "pierre"]), by: admin)
            #expect(found.contacts.map(\.displayName) == ["Jean-Pierre d'Arc"])
            let all = try await contacts.search(ContactSearch(scope: .group(group.requireID())), by: admin)
            #expect(
                all.contacts.map(\.displayName) == [
                    "Émile Zola", "Jean-Pierre d'Arc", "Œuvre Straße", "Zoë Ørsted", "123 Taxi",
                ])

            // Importing the same file again finds every row a duplicate.
            let again = try await CSVImportService(db: app.db).importCSV(
                Self.csv(Self.people), options: .init(), into: [group.requireID()], duplicates: .skip, by: admin)
            #expect(again.count(.skipped) == Self.people.count && again.count(.created) == 0)
        }
    }

    @Test("a duplicate later in the same file updates the contact created earlier in that file")
    func duplicateWithinFile() async throws {
        try await withApp { app in
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Imported", kind: .standard, by: admin)
            let first = Contact(
                displayName: "Bruno Beta", phones: [.init(type: .business, number: "+33 2 22 22 22 22")])
            let second = Contact(
                displayName: "Bruno Beta", jobTitle: "Baker",
                phones: [.init(type: .business, number: "0033 2 22 22 22 22")])
            let report = try await CSVImportService(db: app.db).importCSV(
                Self.csv([first, second]), options: .init(), into: [group.requireID()], duplicates: .update, by: admin)
            #expect(report.count(.created) == 1 && report.count(.updated) == 1)
            let stored = try await ContactModel.query(on: app.db).all()
            #expect(stored.count == 1)
            #expect(stored.first?.jobTitle == "Baker")
            #expect(try await ContactGroupModel.find(group.requireID(), on: app.db)?.memberCount == 1)
        }
    }

    @Test("a duplicate in a later batch updates the contact an earlier batch of the file created")
    func duplicateAcrossBatches() async throws {
        try await withApp { app in
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Imported", kind: .standard, by: admin)
            // Rows 10 and 510 are the same person: the second one is decided while the first batch is being written.
            var contacts = (0..<1_100).map { index in
                Contact(
                    displayName: "Person \(index)",
                    phones: [.init(type: .business, number: "+33 1 00 00 \(10_000 + index)")])
            }
            contacts[510] = Contact(
                displayName: "Person 10", jobTitle: "Baker",
                phones: [.init(type: .business, number: "0033 1 00 00 10010")])
            let report = try await CSVImportService(db: app.db).importCSV(
                Self.csv(contacts), options: .init(), into: [group.requireID()], duplicates: .update, by: admin)
            #expect(report.count(.created) == 1_099 && report.count(.updated) == 1)
            let person = try await ContactModel.query(on: app.db).filter(\.$displayName == "Person 10").all()
            #expect(person.count == 1 && person.first?.jobTitle == "Baker")
            #expect(try await ContactModel.query(on: app.db).count() == 1_099)
            #expect(try await ContactGroupModel.find(group.requireID(), on: app.db)?.memberCount == 1_099)
            #expect(try await ContactGroupMemberModel.query(on: app.db).count() == 1_099)
        }
    }

    @Test("a contact updated in two batches keeps what the first one added, however long that batch takes to write")
    func updatedInTwoBatches() async throws {
        try await withApp { app in
            let sql = app.db as! any SQLDatabase
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Imported", kind: .standard, by: admin)
            let sam = { (numbers: [String]) in
                Contact(displayName: "Sam Stored", phones: numbers.map { .init(type: .business, number: $0) })
            }
            _ = try await CSVImportService(db: app.db).importCSV(
                Self.csv([sam(["+33 1 11 11 11 11"])]), options: .init(), into: [group.requireID()],
                duplicates: .update, by: admin)
            // Writing the first batch takes a while (a contact whose insert is slow, written before the updates);
            // the second batch is decided meanwhile and must read Sam as the first batch leaves him.
            if sql.dialect.name == "sqlite" {
                try await sql.raw(
                    """
                    CREATE TRIGGER csv_slow AFTER INSERT ON contacts WHEN NEW.display_name = 'Slow' BEGIN
                    SELECT count(*) FROM (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000)
                    SELECT x FROM n);
                    END
                    """
                ).run()
            } else {
                try await sql.raw(
                    """
                    CREATE FUNCTION csv_slow() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.display_name = 'Slow' THEN PERFORM pg_sleep(0.4); END IF; RETURN NULL; END $$
                    """
                ).run()
                try await sql.raw(
                    "CREATE TRIGGER csv_slow AFTER INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION csv_slow()"
                ).run()
            }
            var contacts = (0..<1_000).map { index in
                Contact(
                    displayName: "Person \(index)",
                    phones: [.init(type: .business, number: "+33 1 00 00 \(10_000 + index)")])
            }
            contacts[5] = Contact(displayName: "Slow")
            contacts[20] = sam(["+33 1 11 11 11 11", "+33 2 22 22 22 22"])
            contacts[600] = sam(["+33 1 11 11 11 11", "+33 3 33 33 33 33"])
            let report = try await CSVImportService(db: app.db).importCSV(
                Self.csv(contacts), options: .init(), into: [group.requireID()], duplicates: .update, by: admin)
            #expect(report.count(.updated) == 2 && report.count(.created) == 998)
            let stored = try await ContactModel.query(on: app.db).filter(\.$displayName == "Sam Stored").all()
            #expect(stored.count == 1)
            #expect(
                Set(stored.first?.phones.compactMap { PhoneNumber.cleaned($0.number) } ?? [])
                    == ["+33111111111", "+33222222222", "+33333333333"])
        }
    }

    // Without enough threads for the connections waiting for SQLite's lock this test never ends: the limit fails it.
    @Test(
        "on an SQLite file an import has a connection of its own: reads on its event loop do not wait, writes do not stall it",
        .timeLimit(.minutes(1)))
    func importConnectionOfItsOwn() async throws {
        try await withApp(on: .sqliteFile) { app in
            let loop = app.eventLoopGroup.next()
            let db = try #require(app.databases.database(logger: app.logger, on: loop))
            let importDB = try #require(app.importDatabase(logger: app.logger, on: loop))
            let adminUser = try #require(try await UserModel.find(username: "admin", on: db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let group = try await ContactGroupService(db: db).create(name: "Imported", kind: .standard, by: admin)
            // The first row takes a second or so to insert (counting to ten million: 1.2 s on a 2026 core, where one
            // million took 0.12 s and the read below found the import done): the import's transaction is open
            // meanwhile.
            try await (db as! any SQLDatabase).raw(
                """
                CREATE TRIGGER csv_slow AFTER INSERT ON contacts WHEN NEW.display_name = 'Slow' BEGIN
                SELECT count(*) FROM (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10000000)
                SELECT x FROM n);
                END
                """
            ).run()
            var contacts = (0..<600).map { Contact(displayName: "Person \($0)") }
            contacts[0] = Contact(displayName: "Slow")
            let file = Self.csv(contacts)
            let groupID = try group.requireID()
            let importing = Task {
                try await CSVImportService(db: db, importDB: importDB).importCSV(
                    file, options: .init(), into: [groupID], duplicates: .skip, by: admin)
            }
            try await Task.sleep(for: .milliseconds(300))
            // Read on the request's connection while the import is under way: the contacts as they were.
            let during = try await ContactModel.query(on: db).count()
            // A write on every event loop's connection meanwhile: each waits for the import's commit on a thread of
            // the blocking pool, and the import must still find one to finish.
            var writers: [Task<Void, any Error>] = []
            for (index, eventLoop) in app.eventLoopGroup.makeIterator().enumerated() {
                let writer = try #require(app.databases.database(logger: app.logger, on: eventLoop))
                writers.append(
                    Task {
                        _ = try await ContactGroupService(db: writer).create(
                            name: "Meanwhile \(index)", kind: .standard, by: admin)
                    })
            }
            let report = try await importing.value
            for writer in writers { try await writer.value }
            #expect(during == 0)
            #expect(report.count(.created) == 600)
            #expect(try await ContactModel.query(on: db).count() == 600)
            #expect(try await ContactGroupModel.query(on: db).filter(\.$name =~ "Meanwhile").count() == writers.count)
        }
    }

    @Test(
        "on SQLite the importing connection has a large cache and memory journals, a small cache and file sorts to build indexes, then its own settings back"
    )
    func bulkCache() async throws {
        try await withApp { app in
            guard (app.db as? any SQLDatabase)?.dialect.name == "sqlite" else { return }
            try await app.db.withConnection { connection in
                @Sendable func settings(_ db: any Database) async throws -> [Int] {
                    var values: [Int] = []
                    for name in ["cache_size", "temp_store"] {
                        let row = try await (db as! any SQLDatabase).raw("PRAGMA \(unsafeRaw: name)").first()
                        values.append(try #require(try row?.decode(column: name, as: Int.self)))
                    }
                    return values
                }
                let before = try await settings(connection)
                #expect(before != [-ContactBulkSchema.bulkCacheKiB, 2])
                let inside = try await ContactBulkSchema.withBulkCache(on: connection) { try await settings($0) }
                #expect(inside == [-ContactBulkSchema.bulkCacheKiB, 2])
                #expect(try await settings(connection) == before)
                // The list's indexes are built again with a small cache and their sort runs in files, not memory.
                let rebuilding = try await ContactBulkSchema.withBulkCache(on: connection) { db in
                    try await db.writeTransaction { db in
                        try await ContactBulkSchema.withBulkSchema(on: db, if: true) { _ in }
                        return try await settings(db)
                    }
                }
                #expect(rebuilding == [-ContactBulkSchema.indexBuildCacheKiB, 1])
                #expect(try await settings(connection) == before)
                await #expect(throws: SwitchboardError.importFailed) {
                    try await ContactBulkSchema.withBulkCache(on: connection) { _ in throw SwitchboardError.importFailed
                    }
                }
                #expect(try await settings(connection) == before)
            }
        }
    }

    @Test(
        "a large import on SQLite builds the list's indexes and insert triggers again as they were; a failed one leaves them"
    )
    func listIndexesRebuilt() async throws {
        try await withApp { app in
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "sqlite" else { return }
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Large", kind: .standard, by: admin)
            let indexes = {
                try await sql.raw(
                    "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
                ).all().map {
                    "\(try $0.decode(column: "name", as: String.self)): \(try $0.decode(column: "sql", as: String?.self) ?? "")"
                }
            }
            let integrity = {
                try await sql.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
            }
            let before = try await indexes()
            #expect(
                (ContactBulkSchema.listIndexes + ContactBulkSchema.insertTriggers).allSatisfy { name in
                    before.contains { $0.hasPrefix(name + ":") }
                })
            let contacts = (0..<1_200).map { index in
                Contact(
                    displayName: "\(index % 2 == 0 ? "Émile" : "Zoé") \(index)",
                    phones: [.init(type: .business, number: "+33 1 00 00 \(10_000 + index)")])
            }
            let service = CSVImportService(db: app.db, deferredIndexesFrom: 1)
            let report = try await service.importCSV(
                Self.csv(contacts), options: .init(), into: [group.requireID()], duplicates: .skip, by: admin)
            #expect(report.count(.created) == 1_200)
            #expect(try await indexes() == before)
            #expect(try await integrity() == "ok")
            let plan = try await sql.raw(
                "EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE initial = 'Z' ORDER BY sort_key, id LIMIT 10"
            ).all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(plan.contains { $0.contains("contacts_initial_sort") }, "\(plan)")
            // A file failing half-way in the same mode: rolled back, indexes as they were.
            try await sql.raw(
                """
                CREATE TRIGGER csv_boom BEFORE INSERT ON contacts WHEN NEW.display_name = 'Boom'
                BEGIN SELECT RAISE(ABORT, 'boom'); END
                """
            ).run()
            var failing = (0..<1_200).map { Contact(displayName: "Other \($0)") }
            failing[700] = Contact(displayName: "Boom")
            await #expect(throws: SwitchboardError.importFailed) {
                try await service.importCSV(
                    Self.csv(failing), options: .init(), into: [group.requireID()], duplicates: .skip, by: admin)
            }
            try await sql.raw("DROP TRIGGER csv_boom").run()
            #expect(try await ContactModel.query(on: app.db).count() == 1_200)
            #expect(try await indexes() == before)
            #expect(try await integrity() == "ok")
        }
    }

    @Test("a large import on SQLite, its insert triggers off, fans every new or updated contact out as they would")
    func largeImportFansOut() async throws {
        try await withApp { app in
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "sqlite" else { return }
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Large", kind: .standard, by: admin)
            // Stored before: one the file updates, one it leaves alone.
            let contacts = ContactService(db: app.db)
            _ = try await contacts.create(
                Contact(displayName: "Anna Stored", phones: [.init(type: .business, number: "+33 1 99 99 99 01")]),
                in: [group.requireID()], by: admin)
            _ = try await contacts.create(
                Contact(displayName: "Untouched Person", phones: [.init(type: .mobile, number: "06 99 99 99 02")]),
                in: [group.requireID()], by: admin)
            var rows = (0..<1_200).map { index in
                Contact(
                    displayName: "\(index % 2 == 0 ? "Émile" : "Jean-Pierre") Nº\(index)",
                    phones: [.init(type: .business, number: "+33 1 00 00 \(10_000 + index)")])
            }
            // The same contact again in a later batch, with a second number; and the stored one with a new number.
            rows.append(
                Contact(
                    displayName: "Émile Nº2",
                    phones: [
                        .init(type: .business, number: "+33 1 00 00 10002"),
                        .init(type: .mobile, number: "06 12 12 12 12"),
                    ]))
            rows.append(
                Contact(
                    displayName: "Anna Stored",
                    phones: [
                        .init(type: .business, number: "+33 1 99 99 99 01"),
                        .init(type: .mobile, number: "07 01 01 01 01"),
                    ]))
            let service = CSVImportService(db: app.db, deferredIndexesFrom: 1)
            let generation = try #require(try await ContactStore.generation(on: app.db))
            let report = try await service.importCSV(
                Self.csv(rows), options: .init(), into: [group.requireID()], duplicates: .update, by: admin)
            #expect(report.count(.created) == 1_200 && report.count(.updated) == 2)
            // Kept search answers are no longer found (`LDAPAnswerCache`).
            #expect(try await ContactStore.generation(on: app.db) ?? -1 > generation)

            let strings = { (query: SQLQueryString) in
                try await sql.raw(query).all().map { row in
                    try ["a", "b", "c"].map { try row.decode(column: $0, as: String.self) }.joined(separator: "|")
                }.sorted()
            }
            // What the triggers make of every stored contact.
            let expectedWords = try await strings(
                "SELECT value AS a, c.sort_key AS b, c.id AS c FROM contacts AS c, json_each(c.name_words)")
            let expectedKeys = try await strings(
                """
                SELECT c.id AS a, json_extract(value, '$[0]') AS b, json_extract(value, '$[1]') AS c
                FROM contacts AS c, json_each(c.number_keys)
                """)
            #expect(expectedWords.count > 2_400 && expectedKeys.count == 1_200 + 2 + 2)
            #expect(
                try await strings("SELECT word AS a, sort_key AS b, contact_id AS c FROM contact_name_words")
                    == expectedWords)
            #expect(
                try await strings("SELECT contact_id AS a, \"key\" AS b, number AS c FROM contact_number_keys")
                    == expectedKeys)
            // Each number's digits, from `search_number` split here (the fan-out splits it in SQL).
            let expectedDigits = try await sql.raw("SELECT id, search_number FROM contacts").all().flatMap { row in
                let id = try row.decode(column: "id", as: UUID.self).uuidString
                let numbers = Set(try row.decode(column: "search_number", as: String.self).split(separator: " "))
                return numbers.map { "\($0)|\(id)" }
            }.sorted()
            #expect(expectedDigits.count == 1_200 + 2 + 2)
            #expect(
                try await sql.raw("SELECT digits, contact_id FROM contact_number_digits").all().map { row in
                    "\(try row.decode(column: "digits", as: String.self))|\(try row.decode(column: "contact_id", as: UUID.self).uuidString)"
                }.sorted() == expectedDigits)
            let words = try await sql.raw("SELECT word FROM contact_words").all()
                .map { try $0.decode(column: "word", as: String.self) }
            #expect(Set(words).isSuperset(of: Set(expectedWords.map { String($0.split(separator: "|")[0]) })))
            // And the lookups that read them find the imported contacts.
            let found = try await contacts.search(ContactSearch(filters: [.name: "anna"]), by: admin)
            #expect(found.contacts.map(\.displayName) == ["Anna Stored"])
            let pierre = try await contacts.search(ContactSearch(filters: [.name: "pierre"]), by: admin)
            #expect(
                pierre.contacts.count > 10 && pierre.contacts.allSatisfy { $0.displayName.hasPrefix("Jean-Pierre") })
        }
    }

    @Test("a contact's number keys are the JSON JSONEncoder writes: each number once, under its caller-ID key")
    func numberKeysText() throws {
        let phones: [PhoneEntry] = [
            .init(type: .business, number: "+33 1 23 45 67 89"), .init(type: .mobile, number: "06 11 22 33 44"),
            .init(type: .other, number: "+33 1 23 45 67 89"), .init(type: .other, number: "not a number"),
        ]
        let expected = [["23456789", "+33 1 23 45 67 89"], ["11223344", "06 11 22 33 44"]]
        #expect(
            ContactModel.numberKeys(of: phones) == #"[["23456789","+33 1 23 45 67 89"],["11223344","06 11 22 33 44"]]"#)
        #expect(
            try JSONDecoder().decode([[String]].self, from: Data(ContactModel.numberKeys(of: phones).utf8)) == expected)
        #expect(ContactModel.numberKeys(of: []) == "[]")
        // A number JSON must escape goes through JSONEncoder.
        let slash = [PhoneEntry(type: .business, number: "01/23 45 67 89")]
        #expect(
            try JSONDecoder().decode([[String]].self, from: Data(ContactModel.numberKeys(of: slash).utf8))
                == [["23456789", "01/23 45 67 89"]])
    }

    @Test("more rows than one batch: all inserted, with their memberships and number keys")
    func manyRows() async throws {
        try await withApp { app in
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Many", kind: .standard, by: admin)
            // 1 200 rows: three batches of the importer.
            let contacts = (0..<1_200).map { index in
                Contact(
                    displayName: "Person \(index)",
                    phones: [.init(type: .business, number: "+33 1 00 00 \(10_000 + index)")])
            }
            let report = try await CSVImportService(db: app.db).importCSV(
                Self.csv(contacts), options: .init(), into: [group.requireID()], duplicates: .skip, by: admin)
            #expect(report.count(.created) == 1_200)
            #expect(try await ContactModel.query(on: app.db).count() == 1_200)
            #expect(try await ContactGroupMemberModel.query(on: app.db).count() == 1_200)
            let sql = app.db as! any SQLDatabase
            let keys = try await sql.raw("SELECT count(*) AS n FROM contact_number_keys").first()?
                .decode(column: "n", as: Int.self)
            #expect(keys == 1_200)
        }
    }
}
