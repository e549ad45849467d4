import Foundation
import NIOConcurrencyHelpers
import SwitchboardCore

/// Search answers of the LDAP directory kept for the next identical search, as long as no contact or membership has
/// changed since (`contact_generation`, moved by triggers in the writer's transaction: `CreateContactGeneration`).
/// Desk phones ask the same few things again and again — the first letters of a name, as each user types — and a
/// name's first page is fifty entries to read, check and build each time.
///
/// An answer is found only by everything that decides it: the search itself (base, scope, filter, attributes, size
/// and time limits), the page asked for, and who asks — the bound group, or the user's role and the groups they may
/// read, as the connection last checked them. Two identities that may read different contacts never share an answer.
/// An answer is kept with the generation read before its search ran: a change committed meanwhile moves the counter,
/// so that answer is never found again (at worst it was fresher than its label); any other generation than the one
/// kept empties the cache (a database made again while the server runs may count from lower). Answers of a search
/// that ran out of time, found no base, or read one entry (scope base) are not kept, nor answers to filters larger
/// than `filterBytes`.
///
/// Memory is bounded by two halves: answers kept or used go to the recent half; when it would hold more than half the
/// budget, it becomes the older half and the older half goes (an answer used since is in the recent half again). Every step is
/// a dictionary's, under a lock held for nothing else; what goes is freed after the lock is let go.
final class LDAPAnswerCache: Sendable {
    struct Key: Hashable, Sendable {
        let search: LDAPRequest.Search
        let limit: Int
        let after: ContactSearch.Cursor?
        let scope: ContactSearch.Scope
        let role: Role
        /// `nil`: every group (`ContactAccess.readableGroupIDs`).
        let readable: Set<UUID>?
    }

    private struct Kept {
        let answer: LDAPDirectoryService.SearchResult
        let bytes: Int
    }

    private struct State {
        var generation: Int64 = -1
        var recent: [Key: Kept] = [:]
        var recentBytes = 0
        var older: [Key: Kept] = [:]
        var hits = 0
        var misses = 0
    }

    /// Bytes of answers kept at most (their keys' and entries' text, and an allowance per string and list).
    let budget: Int
    /// A filter larger than this (its text) is not kept: a phone's are a few dozen bytes.
    static let filterBytes = 2_048
    private let state = NIOLockedValueBox(State())

    init(budget: Int) { self.budget = budget }

    /// How many searches were answered from here, and how many ran.
    var statistics: (hits: Int, misses: Int) { state.withLockedValue { ($0.hits, $0.misses) } }

    /// Bytes kept now.
    var bytes: Int { state.withLockedValue { $0.recentBytes + $0.older.values.reduce(0) { $0 + $1.bytes } } }

    /// The answer kept for `key`, if the contacts are still at `generation`.
    func answer(for key: Key, generation: Int64) -> LDAPDirectoryService.SearchResult? {
        var dropped: [[Key: Kept]] = []
        defer { dropped.removeAll() }
        return state.withLockedValue { state in
            if generation != state.generation {
                // Something changed: nothing kept holds any more.
                dropped = Self.reset(&state, to: generation)
                state.misses += 1
                return nil
            }
            if let kept = state.recent[key] {
                state.hits += 1
                return kept.answer
            }
            guard let kept = state.older.removeValue(forKey: key) else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            dropped = add(kept, for: key, to: &state)
            return kept.answer
        }
    }

    /// Keeps `answer`, found by a search that started when the contacts were at `generation`.
    func keep(_ answer: LDAPDirectoryService.SearchResult, for key: Key, generation: Int64) {
        guard !answer.timedOut else { return }
        let bytes = Self.size(of: answer, key: key)
        // An answer larger than a quarter of the budget would push out everything else.
        guard bytes <= budget / 4 else { return }
        var dropped: [[Key: Kept]] = []
        defer { dropped.removeAll() }
        state.withLockedValue { state in
            // A search that started before the last change found what may have changed since.
            if generation > state.generation { dropped = Self.reset(&state, to: generation) }
            guard generation == state.generation else { return }
            state.older[key] = nil
            dropped = add(Kept(answer: answer, bytes: bytes), for: key, to: &state)
        }
    }

    /// Into the recent half; when it would hold more than half the budget, it becomes the older half first (so both
    /// together never hold more than the budget). What goes is returned, to be freed outside the lock.
    private func add(_ kept: Kept, for key: Key, to state: inout State) -> [[Key: Kept]] {
        if let old = state.recent.removeValue(forKey: key) { state.recentBytes -= old.bytes }
        var gone: [[Key: Kept]] = []
        if state.recentBytes + kept.bytes > budget / 2 {
            gone = [state.older]
            state.older = state.recent
            state.recent = [:]
            state.recentBytes = 0
        }
        state.recent[key] = kept
        state.recentBytes += kept.bytes
        return gone
    }

    private static func reset(_ state: inout State, to generation: Int64) -> [[Key: Kept]] {
        let gone = [state.recent, state.older]
        state = State(generation: generation, hits: state.hits, misses: state.misses)
        return gone
    }

    /// What an answer costs in memory, roughly: its key's text and its entries' room (capacity, not count: what is
    /// allocated), plus 32 bytes per string and list (their headers).
    static func size(of answer: LDAPDirectoryService.SearchResult, key: Key) -> Int {
        var bytes = 256 + key.search.base.utf8.count + size(of: key.search.filter)
        bytes += key.search.attributes.reduce(0) { $0 + 32 + $1.utf8.count }
        bytes += (key.readable?.count ?? 0) * 40 + (key.after.map { 64 + $0.sortKey.utf8.count } ?? 0)
        bytes += answer.entries.reduce(32) { $0 + 32 + $1.capacity }
        return bytes
    }

    /// A filter's text, plus 32 bytes per part.
    static func size(of filter: LDAPFilter) -> Int {
        switch filter {
        case .and(let filters), .or(let filters): 32 + filters.reduce(0) { $0 + size(of: $1) }
        case .not(let inner): 32 + size(of: inner)
        case .equality(let attribute, let value), .greaterOrEqual(let attribute, let value),
            .lessOrEqual(let attribute, let value), .approx(let attribute, let value):
            64 + attribute.utf8.count + value.utf8.count
        case .substrings(let attribute, let initial, let any, let final):
            96 + attribute.utf8.count + (initial?.utf8.count ?? 0) + any.reduce(0) { $0 + 32 + $1.utf8.count }
                + (final?.utf8.count ?? 0)
        case .present(let attribute): 32 + attribute.utf8.count
        case .extensible: 32
        }
    }
}
