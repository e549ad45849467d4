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
/// so that answer is never found again (at worst it was fresher than its label). Answers of a search that ran out of
/// time are not kept. Memory is bounded: past `budget` bytes the least recently used answers go.
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
        var used: UInt64
    }

    private struct State {
        var generation: Int64 = -1
        var answers: [Key: Kept] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// Bytes of answers kept at most (their strings' bytes and a rough allowance per string and list).
    let budget: Int
    private let state = NIOLockedValueBox(State())

    init(budget: Int) { self.budget = budget }

    /// How many searches were answered from here, and how many ran.
    var statistics: (hits: Int, misses: Int) { state.withLockedValue { ($0.hits, $0.misses) } }

    /// The answer kept for `key`, if the contacts are still at `generation`.
    func answer(for key: Key, generation: Int64) -> LDAPDirectoryService.SearchResult? {
        state.withLockedValue { state in
            if generation != state.generation {
                // Something changed: nothing kept holds any more.
                if generation > state.generation { Self.reset(&state, to: generation) }
                state.misses += 1
                return nil
            }
            guard var kept = state.answers[key] else {
                state.misses += 1
                return nil
            }
            state.clock += 1
            kept.used = state.clock
            state.answers[key] = kept
            state.hits += 1
            return kept.answer
        }
    }

    /// Keeps `answer`, found by a search that started when the contacts were at `generation`.
    func keep(_ answer: LDAPDirectoryService.SearchResult, for key: Key, generation: Int64) {
        guard !answer.timedOut else { return }
        let bytes = Self.size(of: answer, key: key)
        // An answer larger than a quarter of the budget would push out everything else.
        guard bytes <= budget / 4 else { return }
        state.withLockedValue { state in
            if generation > state.generation { Self.reset(&state, to: generation) }
            guard generation == state.generation else { return }
            state.clock += 1
            if let old = state.answers.updateValue(Kept(answer: answer, bytes: bytes, used: state.clock), forKey: key) {
                state.bytes -= old.bytes
            }
            state.bytes += bytes
            if state.bytes > budget { evict(&state) }
        }
    }

    private static func reset(_ state: inout State, to generation: Int64) {
        state.generation = generation
        state.answers.removeAll(keepingCapacity: true)
        state.bytes = 0
    }

    /// The least recently used answers out, down to three quarters of the budget (one sort for many answers, not one
    /// search for the oldest per answer kept).
    private func evict(_ state: inout State) {
        let target = budget / 4 * 3
        for (key, kept) in state.answers.sorted(by: { $0.value.used < $1.value.used }) {
            guard state.bytes > target else { break }
            state.answers[key] = nil
            state.bytes -= kept.bytes
        }
    }

    /// What an answer costs in memory, roughly: its text, plus 32 bytes per string and list (their headers).
    static func size(of answer: LDAPDirectoryService.SearchResult, key: Key) -> Int {
        var bytes = 256 + key.search.base.utf8.count + key.search.attributes.reduce(0) { $0 + 32 + $1.utf8.count }
        for entry in answer.entries {
            bytes += 64 + entry.dn.utf8.count
            for (name, values) in entry.attributes {
                bytes += 64 + name.utf8.count + values.reduce(0) { $0 + 32 + $1.utf8.count }
            }
        }
        return bytes
    }
}
