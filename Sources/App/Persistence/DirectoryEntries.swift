import FluentKit
import Foundation
import SQLKit
import SwitchboardCore

/// A group's contacts as phone-book entries, read `batchSize` members at a time in the group's
/// index order (sort key, then contact id), so a large group is one index walk and never whole in
/// memory. Each batch is one query of raw rows with only the columns an entry needs: decoding
/// Fluent models cost more than the query and the XML together.
struct DirectoryEntries: AsyncSequence, Sendable {
    typealias Element = [PhoneDirectoryEntry]

    let groupID: UUID
    let db: any Database
    /// Members read per query.
    var batchSize = 1_000

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: DirectoryEntries
        var after: (sortKey: String, id: UUID)?
        var done = false

        mutating func next() async throws -> [PhoneDirectoryEntry]? {
            while !done {
                let rows = try await nextRows()
                if rows.count < source.batchSize { done = true }
                guard !rows.isEmpty else { return nil }
                var batch: [PhoneDirectoryEntry] = []
                batch.reserveCapacity(rows.count)
                for row in rows {
                    let phones = try row.decode(column: "phones", as: [PhoneEntry].self)
                    guard !phones.isEmpty else { continue }
                    batch.append(
                        PhoneDirectoryEntry(
                            name: try row.decode(column: "display_name", as: String.self),
                            firstName: try row.decode(column: "first_name", as: String?.self),
                            lastName: try row.decode(column: "last_name", as: String?.self), numbers: phones))
                }
                if !batch.isEmpty { return batch }
            }
            return nil
        }

        /// The next members in the group's index order (`members_group_sort`: group, sort key,
        /// contact) with their contacts' columns: a row-value bound makes each batch one index
        /// range, never a sort of the group.
        private mutating func nextRows() async throws -> [any SQLRow] {
            let sql = source.db as! any SQLDatabase
            var query: SQLQueryString = """
                SELECT m.sort_key, m.contact_id, c.display_name, c.first_name, c.last_name, c.phones \
                FROM contact_group_members m JOIN contacts c ON c.id = m.contact_id \
                WHERE m.group_id = \(bind: source.groupID)
                """
            if let after {
                query += " AND (m.sort_key, m.contact_id) > (\(bind: after.sortKey), \(bind: after.id))"
            }
            query += " ORDER BY m.sort_key, m.contact_id LIMIT \(literal: source.batchSize)"
            let rows = try await sql.raw(query).all()
            if let last = rows.last {
                after = (
                    try last.decode(column: "sort_key", as: String.self),
                    try last.decode(column: "contact_id", as: UUID.self)
                )
            }
            return rows
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
}
