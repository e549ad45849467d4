import FluentKit
import Foundation
import NIOCore
import SQLKit
import SwitchboardCore

/// Contacts read for an export, in display order.
struct ContactBatch: Sendable {
    let contacts: [Contact]
    /// Where the next batch starts; `nil` after the last one.
    let next: ContactSearch.Cursor?
}

/// Where an export's batches of contacts come from: one query per batch, through Fluent or from the SQLite file
/// (`SQLiteFileReader`, `ContactFlatColumns`).
struct ContactBatches: Sendable {
    let search: ContactSearch
    let access: ContactAccess
    let db: any Database
    let reader: SQLiteFileReader?

    /// A batch being read.
    enum Reading: Sendable {
        case task(Task<ContactBatch, any Error>)
        case future(EventLoopFuture<ContactBatch>)

        func batch() async throws -> ContactBatch {
            switch self {
            case .task(let task): try await task.value
            case .future(let future): try await future.get()
            }
        }
    }

    /// Starts reading the batch after `cursor` (one batch is read at a time: the iterator waits
    /// for it before asking for the next). From a file, the read is on NIO's thread pool from now on.
    func read(after cursor: ContactSearch.Cursor?) -> Reading {
        var search = search
        search.after = cursor
        let sql = db as! any SQLDatabase
        guard let reader else {
            return .task(
                Task {
                    let (contacts, next) = try await ContactStore.batch(of: search, access: access, on: db)
                    return ContactBatch(contacts: contacts, next: next)
                })
        }
        guard let query = search.keysetQuery(access: access, columns: ContactStore.exportColumns, isSQLite: true) else {
            return .future(sql.eventLoop.makeSucceededFuture(ContactBatch(contacts: [], next: nil)))
        }
        let limit = search.limit
        let rows = reader.startRows(query, dialectOf: sql) { row in
            (
                key: row.text(0) ?? "", id: row.text(1) ?? "",
                contact: try ContactFlatColumns.contact(from: row, at: 2)
            )
        }
        return .future(
            rows.flatMapThrowing { rows in
                guard rows.count == limit, let last = rows.last else {
                    return ContactBatch(contacts: rows.map(\.contact), next: nil)
                }
                guard let id = UUID(uuidString: last.id) else {
                    throw SQLiteFileReader.Failure(code: 0, message: "contact id \(last.id) is not a UUID")
                }
                return ContactBatch(
                    contacts: rows.map(\.contact), next: ContactSearch.Cursor(sortKey: last.key, id: id))
            })
    }
}
