import Foundation
import SwitchboardCore

/// The contacts list's state as a request names it — the page's URL (`?group=…&tab=…&name=…&after=…`) and the API's
/// query (`?group=…&withoutGroup=…&cursor=…&limit=…`) — read into a `ContactSearch` once, so that both accept the
/// same tabs and filters and refuse the same bad input.
struct ContactListQuery: Sendable, Equatable {
    /// A group's id.
    var group: String?
    /// Contacts in no group (the API's `withoutGroup=true`, the page's `group=none`).
    var withoutGroup = false
    var tab: String?
    var filters: [ContactSearch.Field: String] = [:]
    /// The cursor of the next page (`ContactSearch.Cursor.token`).
    var cursor: String?
    var limit: Int?

    /// Rows per page: 50 unless asked, 1 to 200.
    static let limits = 1...200

    /// The scope named: all, one group, or without group. Naming a group and "without group" together is a conflict;
    /// a group id that is not one is "not found", like a group the actor cannot read.
    func scope() throws(SwitchboardError) -> ContactSearch.Scope {
        switch (group, withoutGroup) {
        case (nil, false): return .all
        case (nil, true): return .withoutGroup
        case (let raw?, false):
            guard let id = UUID(uuidString: raw) else { throw .notFound }
            return .group(id)
        case (_?, true): throw .filtersConflict
        }
    }

    /// The search this state asks for. An unknown (or empty) tab and a limit out of range are bad requests; a cursor
    /// that is not one of ours is `cursor_invalid`, an empty one is the first page; blank filters are no filter (the
    /// page's filter form sends every field). A number filter is read with the installation's `dialPlan`.
    func search(dialPlan: DialPlan) throws(SwitchboardError) -> ContactSearch {
        var search = ContactSearch(scope: try scope())
        search.dialPlan = dialPlan
        if let tab {
            guard SearchFolding.tabs.contains(tab) else { throw .badRequest }
            search.tab = tab
        }
        search.filters = filters.compactMapValues(\.nilIfBlank)
        if let token = cursor, !token.isEmpty {
            guard let cursor = ContactSearch.Cursor(token: token) else { throw .cursorInvalid }
            search.after = cursor
        }
        search.limit = limit ?? 50
        guard Self.limits.contains(search.limit) else { throw .badRequest }
        return search
    }
}

extension String {
    /// `nil` when empty or only spaces.
    fileprivate var nilIfBlank: String? { trimmingCharacters(in: .whitespaces).isEmpty ? nil : self }
}
