import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Vapor

/// `switchboard dev seed|bench-contacts|bench-vcard`: sample data and measurements for development.
struct DevCommand: AsyncCommandGroup {
    var help: String { "Development helpers: seed sample contacts, measure the contacts list and vCard interchange" }

    var commands: [String: any AnyAsyncCommand] {
        [
            "seed": SeedCommand(), "bench-contacts": BenchContactsCommand(), "bench-vcard": BenchVCardCommand(),
            "bench-csv": BenchCSVCommand(), "bench-ldap": BenchLDAPCommand(),
        ]
    }
}

struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "contacts", help: "How many contacts to add (default 1000)")
        var contacts: Int?
        @Option(name: "groups", help: "How many standard groups to spread them over (default 20)")
        var groups: Int?
        @Option(name: "seed", help: "Random seed, for reproducible data (default 42)")
        var seed: Int?
    }

    var help: String { "Add realistic sample contacts (French, German, English names) in groups" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let total = signature.contacts ?? 1000
        let groupCount = max(1, signature.groups ?? 20)
        var data = SampleData(seed: UInt64(signature.seed ?? 42))
        var groups: [ContactGroupModel] = []
        for index in 1...groupCount {
            let name = "Sample group \(index)"
            if let existing = try await ContactGroupModel.query(on: db).filter(\.$name == name).first() {
                groups.append(existing)
            } else {
                let group = ContactGroupModel(name: name, kind: .standard)
                try await group.create(on: db)
                groups.append(group)
            }
        }
        let start = ContinuousClock.now
        let batch = 500
        var done = 0
        while done < total {
            let size = min(batch, total - done)
            let contacts = (0..<size).map { _ in ContactModel(data.contact()) }
            for contact in contacts { contact.id = UUID() }
            let members = contacts.flatMap { contact in
                data.memberships(groupCount: groupCount).map {
                    ContactGroupMemberModel(contactID: contact.id!, groupID: groups[$0].id!, sortKey: contact.sortKey)
                }
            }
            try await db.writeTransaction { db in
                try await contacts.create(on: db)
                if !members.isEmpty { try await members.create(on: db) }
            }
            done += size
            if done % 50_000 == 0 || done == total {
                context.say("\(done) contacts (\(ContinuousClock.now - start))")
            }
        }
        for group in groups {
            group.memberCount = try await ContactGroupMemberModel.query(on: db).filter(\.$group.$id == group.id!)
                .count()
            try await group.save(on: db)
        }
        if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
            // What autovacuum does shortly after a bulk load: statistics for the planner, and the visibility map that
            // lets the indexes the triggers fill be read alone.
            try await sql.raw(
                """
                VACUUM ANALYZE contacts, contact_group_members, contact_words, contact_name_words, contact_number_keys, \
                contact_number_digits
                """
            ).run()
        }
        context.say("Seeded \(total) contacts in \(groupCount) groups in \(ContinuousClock.now - start).")
    }
}

extension CommandContext {
    func say(_ text: String) { console.output(text.consoleText()) }
}

/// Measures the list queries as the contacts page runs them, in process, and prints figures.
struct BenchContactsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "runs", help: "Repetitions per query (default 200)")
        var runs: Int?
    }

    var help: String { "Time the contacts list queries (p50/p95/max) on the current database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let runs = max(10, signature.runs ?? 200)
        let total = try await ContactModel.query(on: db).count()
        let groups = try await ContactGroupModel.query(on: db).sort(\.$name).all()
        guard groups.count >= 2 else { throw CommandFailure(description: "Seed first: switchboard dev seed") }
        let admin = Actor(
            user: UserModel(
                username: "bench", displayName: "Bench", role: .admin, phoneExtension: nil, passwordHash: ""),
            clientAddress: nil)
        let subscriberAccess = ContactAccess(
            role: .subscriber, rights: [groups[0].id!: .read, groups[1].id!: .write])
        let adminAccess = ContactAccess(role: admin.role)
        let first = try await ContactSearch().run(on: db, access: adminAccess)
        func keypad(_ keys: String) -> ContactSearch {
            var search = ContactSearch(limit: 8)
            search.keypad = keys
            return search
        }
        let cases: [(String, ContactSearch, ContactAccess)] = [
            ("All contacts, first page (admin)", ContactSearch(), adminAccess),
            ("All contacts, first page (subscriber, 2 of \(groups.count) groups)", ContactSearch(), subscriberAccess),
            ("All contacts, page 2 (cursor)", ContactSearch(after: first.next), adminAccess),
            ("Letter tab M", ContactSearch(tab: "M"), adminAccess),
            ("Letter tab # (rare)", ContactSearch(tab: "#"), adminAccess),
            ("One group, first page", ContactSearch(scope: .group(groups[0].id!)), adminAccess),
            ("Name filter \"an\" (2 chars)", ContactSearch(filters: [.name: "an"]), adminAccess),
            ("Name filter \"é\" (accent, 1 char)", ContactSearch(filters: [.name: "é"]), adminAccess),
            ("Number filter \"12\" (2 digits)", ContactSearch(filters: [.number: "12"]), adminAccess),
            ("Name filter \"an\", subscriber", ContactSearch(filters: [.name: "an"]), subscriberAccess),
            ("Name filter \"zq\" (no match)", ContactSearch(filters: [.name: "zq"]), adminAccess),
            ("Name filter \"mb\" (two companies, under M and T)", ContactSearch(filters: [.name: "mb"]), adminAccess),
            ("Name filter \"ngs\" (2% of names, spread A to Z)", ContactSearch(filters: [.name: "ngs"]), adminAccess),
            ("Name filter \"n d\" (two words, one letter each)", ContactSearch(filters: [.name: "n d"]), adminAccess),
            ("Name filter \"emile dup\" (two words)", ContactSearch(filters: [.name: "emile dup"]), adminAccess),
            (
                "Number filter \"0478\" (rare)", ContactSearch(filters: [.number: "0478"], dialPlan: DialPlan()),
                adminAccess
            ),
            ("Tab E + name \"mi\"", ContactSearch(tab: "E", filters: [.name: "mi"]), adminAccess),
            (
                "One group + name \"an\"", ContactSearch(scope: .group(groups[0].id!), filters: [.name: "an"]),
                adminAccess
            ),
            (
                "Number \"0478\" + tab M", ContactSearch(tab: "M", filters: [.number: "0478"], dialPlan: DialPlan()),
                adminAccess
            ),
            ("Name \"n d\", subscriber", ContactSearch(filters: [.name: "n d"]), subscriberAccess),
            ("Without group", ContactSearch(scope: .withoutGroup), adminAccess),
            ("Dialpad keys \"56\" (names: jo…, ko…, lo…), 8 matches", keypad("56"), adminAccess),
            ("Dialpad keys \"7648\" (names: smith), subscriber", keypad("7648"), subscriberAccess),
        ]
        context.say("\(total) contacts, \(groups.count) groups, \(runs) runs per query; times in ms")
        context.say(
            "query".padding(toLength: 58, withPad: " ", startingAt: 0) + "   p50     p95     max  rows")
        for (label, search, access) in cases {
            var times: [Double] = []
            var rows = 0
            for _ in 0..<runs {
                let start = ContinuousClock.now
                rows = try await search.run(on: db, access: access).contacts.count
                let elapsed = ContinuousClock.now - start
                times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            }
            times.sort()
            let figures = [0.5, 0.95, 1.0].map { quantile in
                String(format: "%7.2f", times[min(times.count - 1, Int(Double(times.count) * quantile))])
            }
            context.say(
                label.padding(toLength: 58, withPad: " ", startingAt: 0) + figures.joined(separator: " ") + "  \(rows)")
        }
        context.say("peak resident memory: \(Self.peakResidentMegabytes()) MB")
    }

    /// VmHWM from /proc: the process's peak resident set.
    static func peakResidentMegabytes() -> Int { statusMegabytes("VmHWM:") }

    static func residentMegabytes() -> Int { statusMegabytes("VmRSS:") }

    /// Starts the peak over from the memory resident now (Linux: `clear_refs` 5), so that a phase's own peak can be read.
    static func resetPeakResident() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    private static func statusMegabytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return -1 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
