import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// What the contacts list shows: a scope (all, one group, without group), a tab, per-field
/// filters, and a keyset cursor. Pages come from an index in sort order; filters are folded
/// substrings of the `search_*` columns (`instr`/`strpos`).
struct ContactSearch: Sendable, Equatable {
    enum Scope: Sendable, Hashable {
        case all
        case group(UUID)
        case withoutGroup
    }

    enum Field: String, CaseIterable, Sendable {
        case name, firstName, lastName, company, number, email, city

        var column: String {
            let column: ContactColumn =
                switch self {
                case .name: .searchName
                case .firstName: .searchFirstName
                case .lastName: .searchLastName
                case .company: .searchCompany
                case .number: .searchNumber
                case .email: .searchEmail
                case .city: .searchCity
                }
            return column.rawValue
        }

        /// The narrow index (column, sort key, id) a rare substring is scanned in, if any. Names
        /// need none: they are checked on the sort key while walking the sort index.
        var coveringIndex: String? {
            self == .number ? "contacts_search_number" : nil
        }

        /// The filter text as the column holds it: folded, or only digits for numbers.
        func prepare(_ text: String) -> String {
            self == .number ? SearchFolding.digits(text) : SearchFolding.fold(text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// Where the previous page ended.
    struct Cursor: Sendable, Hashable {
        let sortKey: String
        let id: UUID

        /// Opaque in URLs.
        var token: String {
            Data("\(id.uuidString)\u{1F}\(sortKey)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        }

        init(sortKey: String, id: UUID) {
            self.sortKey = sortKey
            self.id = id
        }

        init?(token: String) {
            let base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
                let separator = text.firstIndex(of: "\u{1F}"), let id = UUID(uuidString: String(text[..<separator]))
            else { return nil }
            self.init(sortKey: String(text[text.index(after: separator)...]), id: id)
        }
    }

    var scope: Scope = .all
    /// "A" … "Z" or "#"; `nil` for all.
    var tab: String?
    var filters: [Field: String] = [:]
    var after: Cursor?
    var limit = 50
    /// How numbers are written here: a number filter typed with a prefix ("04 78", "+33 4 78", "0033 4 78") also
    /// finds the numbers on file written the other ways (`DialPlan.numberFilter`). Without one, digits as typed.
    var dialPlan: DialPlan?
    /// A word of the name as typed on a phone's keypad ("5646" finds John, Johnson, Kohl): the dialpad's suggestions.
    /// Only the keys 0–9 count.
    var keypad: String?
    /// Only these contacts, in display order.
    var ids: [UUID]?
    /// Only contacts having a number with this caller-ID key (`contact_number_keys.key`, the last digits of a whole
    /// number: `CallerIDMatcher.storageKey`): a directory's reverse lookup.
    var numberKey: String?
    /// A word of the name begins with this (folded, one word): read from the words index when it names few enough
    /// words and contacts, else the search goes on with its filters (a directory's "cn=du*").
    var wordPrefix: String?
    /// Where the search changes its way (`Limits`).
    var limits = Limits()
}

/// A row of the contacts list: what the list shows, read straight from the search query.
struct ContactSummary: Sendable {
    /// `sqlite`: the lists are JSON text there, which `ContactFlatColumns` reads without `JSONDecoder` (three lists
    /// a row: a fifth of a directory search's time went to `JSONDecoder`).
    init(row: any SQLRow, sqlite: Bool) throws {
        func column<T: Decodable>(_ column: ContactColumn, _ type: T.Type) throws -> T {
            try row.decode(column: column.rawValue, as: type)
        }
        id = try column(.id, UUID.self)
        sortKey = try column(.sortKey, String.self)
        displayName = try column(.displayName, String.self)
        firstName = try column(.firstName, String?.self)
        lastName = try column(.lastName, String?.self)
        company = try column(.company, String?.self)
        department = try column(.department, String?.self)
        jobTitle = try column(.jobTitle, String?.self)
        phones = try ContactFlatColumns.list(row, .phones, sqlite: sqlite, ContactFlatColumns.phone)
        emails = try ContactFlatColumns.list(row, .emails, sqlite: sqlite, ContactFlatColumns.email)
        addresses = try ContactFlatColumns.list(row, .addresses, sqlite: sqlite, ContactFlatColumns.address)
    }

    let id: UUID
    let sortKey: String
    let displayName: String
    let firstName: String?
    let lastName: String?
    let company: String?
    let department: String?
    let jobTitle: String?
    let phones: [PhoneEntry]
    let emails: [EmailEntry]
    let addresses: [PostalAddress]
}

struct ContactPage: Sendable {
    let contacts: [ContactSummary]
    let next: ContactSearch.Cursor?
}

extension ContactSearch {
    /// The parts of the page's query: where rows come from, what always holds, and the filters.
    private struct Plan {
        var from: SQLQueryString
        /// Where the window's boundary is counted when no condition needs the contact's row: a group's memberships
        /// alone (joining each to its contact made counting 20 000 of them 55 ms at a million).
        var boundaryFrom: SQLQueryString?
        /// Conditions the walked index answers by itself (group, letter tab).
        var fixed: [SQLQueryString]
        /// Conditions checked row by row: what `access` may read, "in no group". They come after
        /// the filters, so only the rows that match are probed.
        var checks: [SQLQueryString] = []
        var filters: [SQLQueryString]
        /// The most selective filter that has a covering index (name or number), for the scan.
        var indexedFilter: (index: String, condition: SQLQueryString, length: Int)?
        /// The beginnings a number filter names (`NumberFilter.starts`, digits), which the numbers' digits index
        /// (`contact_number_digits`) finds as ranges; `nil` when the filter looks for digits anywhere.
        var numberStarts: [String]?
        /// A filter reads the contact's row (a number, a company…), not only the sort key the walked index holds:
        /// then walking is no longer cheap, and only the first window is walked.
        var filtersReadRows: Bool { rowFilters > 0 }
        /// How many filters read the contact's row.
        var rowFilters = 0
        /// The longest run of letters and digits of a name filter: it matches inside one word of every name the
        /// filter matches, so the words index (`contact_words`, `contact_name_words`) finds their contacts.
        var wordFilter: String?
        /// The name filter (folded) when it is tested on the sort key: the words index holds the sort key too, so its
        /// candidates are tested there before any contact is read ("emile dup" reads the Émile Duprés, not every Émile).
        var nameText: String?
        let key: String
        let id: String
        let isSQLite: Bool

        /// Rows up to `cursor` (included) in display order. Row values, so that the database
        /// bounds its index range by both columns: thousands of contacts can share one name.
        func upTo(_ cursor: Cursor) -> SQLQueryString {
            "(\(unsafeRaw: key), \(unsafeRaw: id)) <= (\(bind: cursor.sortKey), \(bind: cursor.id))"
        }

        /// Rows after `cursor` in display order.
        func after(_ cursor: Cursor) -> SQLQueryString {
            "(\(unsafeRaw: key), \(unsafeRaw: id)) > (\(bind: cursor.sortKey), \(bind: cursor.id))"
        }
    }

    /// Where the search changes its way: how far the walk in display order goes before a filter is deemed rare (a
    /// short first window, where most filters fill a page, then a long one), and how many matches, words and
    /// candidates the indexes may name before walking on is quicker. Tests make them small, to take every path on a
    /// few thousand contacts.
    struct Limits: Sendable, Equatable {
        /// Rows of the first window.
        var window = 1_000
        /// Rows of both windows together.
        var longWindow = 20_000
        /// The most matches the scan of a rare filter collects: each is then read by its id, and past this many the
        /// walk finds a page sooner.
        var scan = 2_000
        /// The most words a name filter may match for the words index to be used: past this many the filter is
        /// common and walking the order finds a page sooner.
        var words = 1_000
        /// The most contacts the words index (or the numbers' digits index) may name for a filter: up to this many,
        /// reading them in display order from the index beats walking the order (they may all sit under one letter).
        var candidates = 50_000
        /// The most contacts the numbers' digits index may name for a number's beginning to be read from it at once,
        /// before any walk: counting that many index entries costs less than the first window's reading of rows.
        var numberStarts = 5_000
    }

    static let window = Limits().window
    static let scanLimit = Limits().scan

    /// One page of contacts `access` may read.
    ///
    /// Without filters this is one query walking an index in display order. With filters, the
    /// walk is tried on the next `limits.window` rows first, then up to `limits.longWindow`: common
    /// substrings fill a page there. When they do not, the substring is rare, and walking on could
    /// visit every contact; instead a name filter is looked up in the words of every name (by its
    /// longest run of letters and digits: a few thousand words, then their contacts by index), and
    /// a rare number is found in the numbers' digits index when the filter names a number's beginning
    /// ("04 78", "+33 4 78"), else by scanning its narrow covering index; the few matches are then
    /// read by id and ordered (see `bench/`).
    func run(on db: any Database, access: ContactAccess) async throws -> ContactPage {
        let sql = db as! any SQLDatabase
        guard let plan = plan(access, isSQLite: sql.dialect.name == "sqlite") else {
            return ContactPage(contacts: [], next: nil)
        }
        if ids != nil || numberKey != nil {
            if ids?.isEmpty == true { return ContactPage(contacts: [], next: nil) }
            var conditions = plan.fixed + plan.filters + plan.checks + (after.map { [plan.after($0)] } ?? [])
            if let ids { conditions.append("c.id IN (\(binds: ids))") }
            if let numberKey {
                conditions.append("c.id IN (SELECT contact_id FROM contact_number_keys WHERE key = \(bind: numberKey))")
            }
            return page(try await fetch(sql, plan, conditions, limit: limit + 1))
        }
        if let wordPrefix, SearchFolding.isWordPart(wordPrefix) {
            let words = try await sql.raw(
                """
                SELECT word FROM contact_words WHERE \(Self.startsWith(wordPrefix)) \
                LIMIT \(literal: limits.words + 1)
                """
            ).all().map { try $0.decode(column: "word", as: String.self) }
            if words.isEmpty { return ContactPage(contacts: [], next: nil) }
            if words.count <= limits.words, try await fewCandidates(sql, plan, words) {
                return page(try await rows(sql, plan, .words(words), after: after, needed: limit + 1))
            }
        }
        if let keypad {
            guard let words = try await keypadWords(sql, keypad), !words.isEmpty,
                try await candidateCount(sql, .words(words)) <= limits.candidates
            else { return ContactPage(contacts: [], next: nil) }
            return page(try await rows(sql, plan, .words(words), after: after, needed: limit + 1))
        }
        if let starts = plan.numberStarts,
            try await candidateCount(sql, .numberStarts(starts), upTo: limits.numberStarts) <= limits.numberStarts
        {
            // A number's beginning few contacts have: from the digits index at once (walking the order would read
            // rows, most of them not matching).
            return page(try await rows(sql, plan, .numberStarts(starts), after: after, needed: limit + 1))
        }
        let cursor = after.map { plan.after($0) }
        if plan.filters.isEmpty || (plan.wordFilter == nil && plan.indexedFilter == nil) {
            // Every row walked is on the page, or no index could take over from the walk: walk at once, no windows.
            return page(
                try await fetch(
                    sql, plan, plan.fixed + plan.filters + plan.checks + (cursor.map { [$0] } ?? []), limit: limit + 1))
        }
        // The walk, bounded: up to the `window`-th row in display order, then on to the `longWindow`-th (the walk
        // reads only the sort index, a fraction of a microsecond per row; a common filter fills a page there).
        var windowed: [ContactSummary] = []
        var start = cursor
        var windowEnd: Cursor?
        var words: [String]?
        let first = max(1, limits.window)
        for size in [first, plan.filtersReadRows ? 0 : limits.longWindow - first] where size > 0 {
            if windowEnd != nil, let word = plan.wordFilter {
                // Past the first window, a filter no word holds matches nothing more (a typo, as typed): no long walk.
                let found = try await wordsContaining(sql, word, isSQLite: plan.isSQLite)
                if found.isEmpty { return page(windowed) }
                words = found
            }
            let conditions = plan.fixed + plan.filters + plan.checks + (start.map { [$0] } ?? [])
            guard let end = try await boundary(sql, plan, cursor: start, offset: size - 1) else {
                return page(windowed + (try await fetch(sql, plan, conditions, limit: limit + 1 - windowed.count)))
            }
            windowed += try await fetch(sql, plan, conditions + [plan.upTo(end)], limit: limit + 1 - windowed.count)
            if windowed.count > limit { return page(windowed) }
            start = plan.after(end)
            windowEnd = end
        }
        guard let windowEnd else { return page(windowed) }
        let rest = plan.after(windowEnd)
        let needed = limit + 1 - windowed.count
        if let starts = plan.numberStarts,
            try await candidateCount(sql, .numberStarts(starts)) <= limits.candidates
        {
            return page(windowed + (try await rows(sql, plan, .numberStarts(starts), after: windowEnd, needed: needed)))
        }
        if let word = plan.wordFilter,
            let found = try await wordMatches(sql, plan, word, words: words, after: windowEnd, needed: needed)
        {
            return page(windowed + found)
        }
        if let indexed = plan.indexedFilter,
            let candidates = try await scan(sql, indexed, after: windowEnd, tab: tab, isSQLite: plan.isSQLite)
        {
            guard !candidates.isEmpty else { return page(windowed) }
            let conditions = plan.fixed + plan.filters + plan.checks + [rest, "c.id IN (\(binds: candidates))"]
            return page(windowed + (try await fetch(sql, plan, conditions, limit: needed)))
        }
        return page(
            windowed + (try await fetch(sql, plan, plan.fixed + plan.filters + plan.checks + [rest], limit: needed)))
    }

    private func page(_ rows: [ContactSummary]) -> ContactPage {
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { Cursor(sortKey: $0.sortKey, id: $0.id) } : nil
        return ContactPage(contacts: page, next: next)
    }

    private func plan(_ access: ContactAccess, isSQLite: Bool) -> Plan? {
        let readable = access.readableGroupIDs.map(Array.init)
        if readable?.isEmpty == true { return nil }
        var plan: Plan
        switch scope {
        case .group(let groupID):
            if let readable, !readable.contains(groupID) { return nil }
            plan = Plan(
                from: "contact_group_members m JOIN contacts c ON c.id = m.contact_id",
                boundaryFrom: tab == nil ? "contact_group_members m" : nil,
                fixed: ["m.group_id = \(bind: groupID)"], filters: [], key: "m.sort_key", id: "m.contact_id",
                isSQLite: isSQLite)
        case .all:
            plan = Plan(from: "contacts c", fixed: [], filters: [], key: "c.sort_key", id: "c.id", isSQLite: isSQLite)
            if let readable {
                // A correlated probe, not EXISTS: PostgreSQL would turn EXISTS into a semi-join
                // over every membership instead of walking the sort index and stopping at a page.
                plan.checks.append(
                    "(SELECT 1 FROM contact_group_members r WHERE r.contact_id = c.id AND r.group_id IN (\(binds: readable)) LIMIT 1) IS NOT NULL"
                )
            }
        case .withoutGroup:
            guard access.seesContactsWithoutGroup else { return nil }
            plan = Plan(from: "contacts c", fixed: [], filters: [], key: "c.sort_key", id: "c.id", isSQLite: isSQLite)
            plan.checks.append("NOT EXISTS (SELECT 1 FROM contact_group_members r WHERE r.contact_id = c.id)")
        }
        if let tab { plan.fixed.append("c.initial = \(bind: tab)") }
        for field in Field.allCases {
            guard let raw = filters[field] else { continue }
            let text = field.prepare(raw)
            guard !text.isEmpty else {
                // A number filter without a digit matches no number.
                if field == .number, !raw.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
                continue
            }
            if field == .name, !text.contains("~") {
                // The sort key is the folded name (with "~" before names outside A–Z), and the
                // index walked holds it: no row is read to test the filter.
                plan.filters.append(Self.contains(plan.key, text, isSQLite: isSQLite))
                plan.nameText = text
                // Each run of letters and digits of the filter lies inside one word of a name that holds the filter:
                // its longest one finds the candidates in the words index ("jean dup" by "jean"), the filter itself
                // is then checked on them.
                // A filter of several runs whose longest is one letter ("n d") names half the words of every name:
                // no use looking them up.
                let parts = SearchFolding.words(ofFolded: text)
                if let longest = parts.max(by: { $0.unicodeScalars.count < $1.unicodeScalars.count }),
                    parts.count == 1 || longest.unicodeScalars.count > 1
                {
                    plan.wordFilter = longest
                }
            } else if field == .number {
                plan.rowFilters += 1
                let filter = dialPlan?.numberFilter(raw) ?? NumberFilter(anywhere: text)
                plan.filters.append(Self.matches("c.\(field.column)", filter, isSQLite: isSQLite))
                if filter.anywhere == nil, !filter.starts.isEmpty { plan.numberStarts = filter.starts }
                // The narrow index holding the numbers, scanned for a rare one.
                if let index = field.coveringIndex, (plan.indexedFilter?.length ?? 0) < text.count {
                    plan.indexedFilter = (index, Self.matches(field.column, filter, isSQLite: isSQLite), text.count)
                }
            } else {
                plan.rowFilters += 1
                plan.filters.append(Self.contains("c.\(field.column)", text, isSQLite: isSQLite))
            }
        }
        return plan
    }

    /// Rows of `plan` matching `conditions`, in display order.
    ///
    /// On PostgreSQL the walk selects only the sort key and id, so that it is answered from the sort index alone (an
    /// index-only scan, the filters tested on the index's sort key), and the table is read for the page's rows only:
    /// a plain index scan read a table row for every row the walk passed (0.6 s to find a rare filter at a million).
    /// SQLite tests what the index holds before reading a row by itself: one statement (the join cost a directory's
    /// reverse lookup a fifth of its rate).
    private func fetch(_ sql: any SQLDatabase, _ plan: Plan, _ conditions: [SQLQueryString], limit: Int)
        async throws -> [ContactSummary]
    {
        let selected = plan.isSQLite ? Self.columns : "\(plan.key) AS k_key, \(plan.id) AS k_id"
        var query: SQLQueryString = "SELECT \(unsafeRaw: selected) FROM \(plan.from)"
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        query += " ORDER BY \(unsafeRaw: plan.key), \(unsafeRaw: plan.id) LIMIT \(literal: limit)"
        if !plan.isSQLite {
            query = """
                SELECT \(unsafeRaw: Self.columns) FROM (\(query)) k JOIN contacts c ON c.id = k.k_id \
                ORDER BY k.k_key, k.k_id
                """
        }
        return try await sql.raw(query).all().map { try ContactSummary(row: $0, sqlite: plan.isSQLite) }
    }

    /// The last row of the window, or `nil` when the window reaches the end of the list. The window
    /// counts rows of the walked index, not rows passing the checks: a subscriber who may read one
    /// contact in ten would otherwise walk ten times as far before deciding.
    private func boundary(_ sql: any SQLDatabase, _ plan: Plan, cursor: SQLQueryString?, offset: Int) async throws
        -> Cursor?
    {
        var query: SQLQueryString =
            "SELECT \(unsafeRaw: plan.key) AS k_key, \(unsafeRaw: plan.id) AS k_id FROM \(plan.boundaryFrom ?? plan.from)"
        let conditions = plan.fixed + (cursor.map { [$0] } ?? [])
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        query += " ORDER BY \(unsafeRaw: plan.key), \(unsafeRaw: plan.id) LIMIT 1 OFFSET \(literal: offset)"
        guard let row = try await sql.raw(query).first() else { return nil }
        return Cursor(
            sortKey: try row.decode(column: "k_key", as: String.self), id: try row.decode(column: "k_id", as: UUID.self)
        )
    }

    /// Ids of the contacts after `start` whose indexed field matches, from the field's narrow
    /// covering index; `nil` when there are more than `limits.scan` (then walking the order is
    /// quicker: matches are dense enough).
    private func scan(
        _ sql: any SQLDatabase, _ filter: (index: String, condition: SQLQueryString, length: Int), after start: Cursor,
        tab: String?, isSQLite: Bool
    ) async throws -> [UUID]? {
        // SQLite would rather walk the sort index for the range condition: tell it which index to scan.
        let source: SQLQueryString =
            isSQLite ? "contacts INDEXED BY \(unsafeRaw: filter.index)" : "contacts"
        var query: SQLQueryString = """
            SELECT id FROM \(source) WHERE \(filter.condition) \
            AND (sort_key, id) > (\(bind: start.sortKey), \(bind: start.id))
            """
        if let range = Self.sortKeyRange(ofTab: tab, isSQLite: isSQLite) { query += " AND " + range }
        query += " LIMIT \(literal: limits.scan + 1)"
        let ids = try await sql.raw(query).all().map { try $0.decode(column: "id", as: UUID.self) }
        return ids.count > limits.scan ? nil : ids
    }

    /// A letter tab as a range of sort keys, tested on the entries an index gives: a superset of the tab (it is then
    /// checked on each contact), so that only that letter's entries are read; `nil` for all and for "#". Compared by
    /// bytes: in a linguistic collation a letter pair may sort as another letter (Czech "ch" after "h").
    static func sortKeyRange(ofTab tab: String?, isSQLite: Bool) -> SQLQueryString? {
        guard let tab, let letter = tab.lowercased().unicodeScalars.first, ("a"..."z").contains(letter) else {
            return nil
        }
        let next = String(UnicodeScalar(letter.value + 1)!)
        let key: SQLQueryString = isSQLite ? "sort_key" : "sort_key COLLATE \"C\""
        return "\(key) >= \(bind: String(letter)) AND \(key) < \(bind: next)"
    }

    /// The next `needed` rows after `start` whose name has a word holding `text`, read from the
    /// words index in display order; `nil` when the filter is too common for it (more than
    /// `limits.words` words or `limits.candidates` contacts). Candidates come in growing chunks,
    /// each checked against every condition of the page (rights, tab, other filters).
    private func wordMatches(
        _ sql: any SQLDatabase, _ plan: Plan, _ text: String, words known: [String]?, after start: Cursor, needed: Int
    ) async throws -> [ContactSummary]? {
        let words: [String]
        if let known { words = known } else { words = try await wordsContaining(sql, text, isSQLite: plan.isSQLite) }
        guard words.count <= limits.words else { return nil }
        guard !words.isEmpty else { return [] }
        guard try await fewCandidates(sql, plan, words) else { return nil }
        return try await rows(sql, plan, .words(words), after: start, needed: needed)
    }

    /// The words of names that hold `text`, up to `limits.words` + 1.
    private func wordsContaining(_ sql: any SQLDatabase, _ text: String, isSQLite: Bool) async throws -> [String] {
        try await sql.raw(
            """
            SELECT word FROM contact_words WHERE \(Self.contains("word", text, isSQLite: isSQLite)) \
            LIMIT \(literal: limits.words + 1)
            """
        ).all().map { try $0.decode(column: "word", as: String.self) }
    }

    /// Reading the contacts having one of `words` in display order is quick: one word's come in that order straight
    /// from the index, and without rights to check, a group or a tab few of them are turned away — no count needed;
    /// else (several words' are sorted; a group or narrow rights may turn most away) at most `limits.candidates` of
    /// them.
    private func fewCandidates(_ sql: any SQLDatabase, _ plan: Plan, _ words: [String]) async throws -> Bool {
        if words.count == 1, plan.checks.isEmpty, plan.fixed.isEmpty { return true }
        return try await candidateCount(sql, .words(words)) <= limits.candidates
    }

    /// Contacts an index names in display order: each of its entries is (value, sort key, contact).
    private enum Candidates {
        /// Contacts whose name has one of these words (`contact_name_words`).
        case words([String])
        /// Contacts having a number that begins with one of these digits (`contact_number_digits`), a range each.
        case numberStarts([String])

        /// Where the index's entries that name a candidate come from, and the condition that picks them.
        var entries: (from: SQLQueryString, condition: SQLQueryString?) {
            switch self {
            case .words(let words):
                return ("contact_name_words", "word IN (\(binds: words))")
            case .numberStarts(let starts):
                // A range of the index each, put together: PostgreSQL answers each from the index alone, where an OR
                // of the ranges made it read a table row per entry (4 ms to count 2 600 of them at a million).
                let ranges = starts.map {
                    "SELECT sort_key, contact_id FROM contact_number_digits WHERE \(ContactSearch.startsWith($0, column: "digits"))"
                        as SQLQueryString
                }
                return ("(" + ranges.joined(separator: " UNION ALL ") + ") d", nil)
            }
        }
    }

    /// How many entries name a candidate, counted up to `bound` (`limits.candidates` by default) + 1.
    private func candidateCount(_ sql: any SQLDatabase, _ candidates: Candidates, upTo bound: Int? = nil)
        async throws -> Int
    {
        let entries = candidates.entries
        return try await sql.raw(
            """
            SELECT count(*) AS n FROM (SELECT 1 FROM \(entries.from)\
            \(entries.condition.map { " WHERE " + $0 } ?? "") \
            LIMIT \(literal: (bound ?? limits.candidates) + 1)) t
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The next `needed` rows after `start` (from the first when `nil`) among the contacts `source` names, read from
    /// its index in display order. Candidates come in growing chunks, each checked against every condition of the
    /// page (rights, tab, other filters).
    private func rows(
        _ sql: any SQLDatabase, _ plan: Plan, _ source: Candidates, after start: Cursor?, needed: Int
    ) async throws -> [ContactSummary] {
        var found: [ContactSummary] = []
        var from = start
        // When the index answers every condition (no rights to check, no group or tab, no filter but the name's), each
        // candidate is on the page: a chunk of what is needed. Else four times it, for those the checks turn away.
        let indexAnswersFilters: Bool
        switch source {
        case .words: indexAnswersFilters = !plan.filtersReadRows
        // The digits index answers the number filter exactly (a name filter is tested on its sort key).
        case .numberStarts: indexAnswersFilters = plan.rowFilters <= 1
        }
        let everyCandidatePasses = plan.checks.isEmpty && plan.fixed.isEmpty && indexAnswersFilters
        var chunk = everyCandidatePasses ? needed : 4 * needed
        let entries = source.entries
        let tabRange = Self.sortKeyRange(ofTab: tab, isSQLite: plan.isSQLite)
        while true {
            var picked = entries.condition.map { [$0] } ?? []
            if let from { picked.append("(sort_key, contact_id) > (\(bind: from.sortKey), \(bind: from.id))") }
            if let text = plan.nameText { picked.append(Self.contains("sort_key", text, isSQLite: plan.isSQLite)) }
            if let tabRange { picked.append(tabRange) }
            var query: SQLQueryString = "SELECT contact_id, sort_key FROM \(entries.from)"
            if !picked.isEmpty { query += " WHERE " + picked.joined(separator: " AND ") }
            query += " ORDER BY sort_key, contact_id LIMIT \(literal: chunk)"
            let candidates = try await sql.raw(query).all().map {
                Cursor(
                    sortKey: try $0.decode(column: "sort_key", as: String.self),
                    id: try $0.decode(column: "contact_id", as: UUID.self))
            }
            guard let last = candidates.last else { return found }
            let ids = Array(Set(candidates.map(\.id)))
            let conditions =
                plan.fixed + plan.filters + plan.checks + (from.map { [plan.after($0)] } ?? []) + [
                    plan.upTo(last), "c.id IN (\(binds: ids))",
                ]
            found += try await fetch(sql, plan, conditions, limit: needed - found.count)
            if found.count >= needed || candidates.count < chunk { return found }
            from = last
            // Up to a size whose ids stay well within a statement's parameters (PostgreSQL: 65 535).
            chunk = min(chunk * 4, 16_384)
        }
    }

    /// The most word beginnings a keypad search follows at once: past this many, the keys typed so far are too
    /// ambiguous to suggest anything (two keys can begin 25 two-letter words; real names prune them fast).
    static let keypadBranchLimit = 400

    /// The words of names that begin with what `keys` type, found by following, key after key, only the beginnings
    /// some word has (one query per key, each a handful of index probes); `nil` when too ambiguous (more than
    /// `keypadBranchLimit` beginnings or `limits.words` words).
    private func keypadWords(_ sql: any SQLDatabase, _ keys: String) async throws -> [String]? {
        let keys = keys.filter { $0.isASCII && $0.isNumber }
        guard !keys.isEmpty else { return [] }
        var beginnings = [""]
        for key in keys {
            let candidates = beginnings.flatMap { beginning in Keypad.characters(of: key).map { beginning + String($0) }
            }
            guard !candidates.isEmpty else { return [] }
            guard candidates.count <= Self.keypadBranchLimit else { return nil }
            let probes = candidates.map { candidate -> SQLQueryString in
                "SELECT CAST(\(bind: candidate) AS TEXT) AS b WHERE EXISTS (SELECT 1 FROM contact_words WHERE \(Self.startsWith(candidate)))"
            }
            beginnings = try await sql.raw(probes.joined(separator: " UNION ALL ")).all()
                .map { try $0.decode(column: "b", as: String.self) }
            if beginnings.isEmpty { return [] }
        }
        let ranges = beginnings.map { "(\(Self.startsWith($0)))" as SQLQueryString }
        let words = try await sql.raw(
            "SELECT word FROM contact_words WHERE \(ranges.joined(separator: " OR ")) LIMIT \(literal: limits.words + 1)"
        ).all().map { try $0.decode(column: "word", as: String.self) }
        guard words.count <= limits.words else { return nil }
        // Exactly the words those keys type (a database's collation may order some other word into a range).
        return words.filter { Keypad.word($0, startsWith: keys) }
    }

    /// `column` (a word by default) begins with `prefix` (letters a–z and digits), as an index range.
    static func startsWith(_ prefix: String, column: String = "word") -> SQLQueryString {
        guard let end = prefixEnd(prefix) else { return "\(unsafeRaw: column) >= \(bind: prefix)" }
        return "\(unsafeRaw: column) >= \(bind: prefix) AND \(unsafeRaw: column) < \(bind: end)"
    }

    /// The first text after every word beginning with `prefix` (letters a–z and digits): the next prefix ("jo" → "jp",
    /// "az" → "b", "j9" → "ja": digits order before letters), which bounds the range in any collation (PostgreSQL's
    /// linguistic ones too, which a range ending in a high code point would not). `nil` when nothing follows ("zz").
    static func prefixEnd(_ prefix: String) -> String? {
        var end = Array(prefix.unicodeScalars)
        while let last = end.popLast() {
            guard last != "z" else { continue }
            end.append(last == "9" ? "a" : Unicode.Scalar(last.value + 1) ?? last)
            return String(String.UnicodeScalarView(end))
        }
        return nil
    }

    private static let columns = ContactColumn.list(ContactColumn.summary, table: "c")

    /// `column` holds `text` anywhere (both are folded already): SQLite's `instr`, quicker there than `LIKE '%…%'`;
    /// PostgreSQL's `LIKE`, its wildcards escaped, quicker there than `strpos` (132 against 168 ms to walk a million
    /// sort keys).
    static func contains(_ column: String, _ text: String, isSQLite: Bool) -> SQLQueryString {
        if isSQLite { return "instr(\(unsafeRaw: column), \(bind: text)) > 0" }
        return "\(unsafeRaw: column) LIKE \(bind: "%" + likeEscaped(text) + "%")"
    }

    /// `text` matched literally by PostgreSQL's `LIKE` (whose escape character is the backslash).
    static func likeEscaped(_ text: String) -> String {
        // Scalars, not characters: a joiner after "%" makes one character of them, which is still a wildcard.
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped)
    }

    /// A number filter on `column` (each number's digits, separated by spaces): digits anywhere, or a number that
    /// starts with one of the filter's forms.
    static func matches(_ column: String, _ filter: NumberFilter, isSQLite: Bool) -> SQLQueryString {
        var conditions = filter.anywhere.map { [contains(column, $0, isSQLite: isSQLite)] } ?? []
        for start in filter.starts {
            conditions.append(contains("(' ' || \(column))", " " + start, isSQLite: isSQLite))
        }
        return conditions.count == 1 ? conditions[0] : "(" + conditions.joined(separator: " OR ") + ")"
    }

}

extension ContactSearch {
    /// How many contacts the search finds (all of them, not a page).
    func count(on db: any Database, access: ContactAccess) async throws -> Int {
        let sql = db as! any SQLDatabase
        guard let plan = plan(access, isSQLite: sql.dialect.name == "sqlite") else { return 0 }
        var query: SQLQueryString = "SELECT count(*) AS n FROM \(plan.from)"
        let conditions = plan.fixed + plan.filters + plan.checks
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        return try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The next `limit` rows after `after` in display order, with the `contacts` columns `columns` names (as
    /// `c.column`), for exports that read every contact of a scope in keyset batches: no model, no window.
    func rows(on db: any Database, access: ContactAccess, columns: String) async throws
        -> (rows: [any SQLRow], next: Cursor?)
    {
        let sql = db as! any SQLDatabase
        guard let query = keysetQuery(access: access, columns: columns, isSQLite: sql.dialect.name == "sqlite") else {
            return ([], nil)
        }
        let rows = try await sql.raw(query).all()
        guard rows.count == limit, let last = rows.last else { return (rows, nil) }
        let next = Cursor(
            sortKey: try last.decode(column: "k_key", as: String.self),
            id: try last.decode(column: "k_id", as: UUID.self))
        return (rows, next)
    }

    /// The query behind `rows`: `k_key` and `k_id` (the cursor), then `columns`; `nil` when nothing can match.
    func keysetQuery(access: ContactAccess, columns: String, isSQLite: Bool) -> SQLQueryString? {
        guard let plan = plan(access, isSQLite: isSQLite) else { return nil }
        let conditions = plan.fixed + plan.filters + plan.checks + (after.map { [plan.after($0)] } ?? [])
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: plan.key) AS k_key, \(unsafeRaw: plan.id) AS k_id, \(unsafeRaw: columns) \
            FROM \(plan.from)
            """
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        query += " ORDER BY \(unsafeRaw: plan.key), \(unsafeRaw: plan.id) LIMIT \(literal: limit)"
        return query
    }
}
