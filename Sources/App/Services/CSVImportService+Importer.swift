import Fluent
import Foundation
import SQLKit
import SwitchboardCore

extension CSVImportService {
    /// Applies batches of checked rows inside the import's transaction. It knows every existing contact by its
    /// folded display name (ids only), and reads the contacts of a batch's names to compare them in full.
    struct Importer {
        static let batchSize = 500

        let db: any Database
        let targets: [ContactGroupModel]
        /// `nil` for a phone-book v1 file: an identical contact is overwritten, every other row is created.
        let duplicates: DuplicateRule?
        var names: [String: [UUID]] = [:]
        var takenCodes: Set<String> = []
        var dectCounts: [UUID: Int] = [:]

        static func start(on db: any Database, targets: [ContactGroupModel], duplicates: DuplicateRule?) async throws
            -> Importer
        {
            var importer = Importer(db: db, targets: targets, duplicates: duplicates)
            let sql = db as! any SQLDatabase
            for row in try await sql.raw("SELECT id, search_name, short_code FROM contacts").all() {
                let id = try row.decode(column: "id", as: UUID.self)
                importer.names[try row.decode(column: "search_name", as: String.self), default: []].append(id)
                if let code = try row.decodeNil(column: "short_code")
                    ? nil : row.decode(column: "short_code", as: String.self)
                {
                    importer.takenCodes.insert(code)
                }
            }
            importer.dectCounts = Dictionary(uniqueKeysWithValues: targets.map { ($0.id!, $0.memberCount) })
            return importer
        }

        mutating func run(_ batch: [CheckedRow], report: inout Report) async throws {
            guard !batch.isEmpty else { return }
            var wanted = Set<UUID>()
            for row in batch {
                if case .success(let contact) = row.result { wanted.formUnion(names[Self.nameKey(contact)] ?? []) }
            }
            var candidates: [UUID: ContactModel] = [:]
            for chunk in Array(wanted).chunked(by: 500) {
                for model in try await ContactModel.query(on: db).filter(\.$id ~~ chunk).all() {
                    candidates[model.id!] = model
                }
            }
            var created: [ContactModel] = []
            var updated: [UUID: ContactModel] = [:]
            for row in batch {
                let contact: Contact
                switch row.result {
                case .failure(let error):
                    report.add(
                        .init(
                            line: row.line, outcome: .failed, displayName: row.displayName, contactID: nil,
                            reason: error))
                    continue
                case .success(let value): contact = value
                }
                let name = contact.resolvedDisplayName ?? ""
                let key = CSVDuplicateKey(contact)
                let nameKey = Self.nameKey(contact)
                let match = (names[nameKey] ?? []).lazy.compactMap { candidates[$0] }.first { model in
                    let other = CSVDuplicateKey(model.toDomain())
                    return duplicates == nil ? other.fingerprint == key.fingerprint : other.matches(key)
                }
                if let match, duplicates == .skip {
                    report.add(
                        .init(line: row.line, outcome: .skipped, displayName: name, contactID: match.id, reason: nil))
                    continue
                }
                let updating = match != nil && duplicates != .keep
                if let code = contact.shortCode, takenCodes.contains(code), !(updating && match?.shortCode == code) {
                    report.add(
                        .init(
                            line: row.line, outcome: .failed, displayName: name, contactID: nil, reason: .shortCodeTaken
                        ))
                    continue
                }
                if let match, updating {
                    match.apply(duplicates == .update ? match.toDomain().merging(contact) : contact)
                    if !created.contains(where: { $0 === match }) { updated[match.id!] = match }
                    if let code = contact.shortCode { takenCodes.insert(code) }
                    report.add(
                        .init(line: row.line, outcome: .updated, displayName: name, contactID: match.id, reason: nil))
                    continue
                }
                do {
                    for group in targets {
                        guard let limits = group.dectLimits else { continue }
                        try rule { try limits.check(adding: [name], to: dectCounts[group.id!] ?? 0) }
                    }
                } catch let error as SwitchboardError {
                    report.add(
                        .init(line: row.line, outcome: .failed, displayName: name, contactID: nil, reason: error))
                    continue
                }
                for group in targets where group.dectLimits != nil { dectCounts[group.id!, default: 0] += 1 }
                let model = ContactModel(contact)
                model.id = UUID()
                created.append(model)
                candidates[model.id!] = model
                names[nameKey, default: []].append(model.id!)
                if let code = contact.shortCode { takenCodes.insert(code) }
                report.add(
                    .init(line: row.line, outcome: .created, displayName: name, contactID: model.id, reason: nil))
            }
            for chunk in created.chunked(by: 200) { try await chunk.create(on: db) }
            for model in updated.values { try await model.save(on: db) }
            try await ContactService.add(created + Array(updated.values), to: targets, on: db)
        }

        /// As `ContactModel.searchName` holds it.
        static func nameKey(_ contact: Contact) -> String { SearchFolding.fold(contact.resolvedDisplayName ?? "") }
    }
}
