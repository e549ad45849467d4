import Fluent
import Foundation
import SQLKit
import SwitchboardCore

/// "Importation CSV" (admins and sub-admins): read a file with the chosen or detected encoding, delimiter and
/// template, show what it holds, then import it in one transaction with a duplicate rule.
struct CSVImportService {
    let db: any Database
    /// The database the import's transaction runs on, when not `db` (`Application.importDatabase`).
    var importDB: (any Database)? = nil
    /// A file of at least this many lines (and half as many as the stored contacts) is imported with the list's
    /// indexes built afterwards and the insert triggers off (`ContactBulkSchema`).
    var deferredIndexesFrom = 5_000

    /// What the user chose in the preview; `nil` means "detect" (or "suggest", for the template).
    struct Options: Sendable, Equatable {
        var encoding: CSVEncoding?
        var delimiter: CSVDelimiter?
        /// A built-in template's id, or `saved:<uuid>`.
        var template: String?
        /// A mapping built by hand, one field per column; wins over `template`.
        var mapping: CSVMapping?
    }

    enum DuplicateRule: String, CaseIterable, Sendable {
        case update, skip, keep
    }

    /// A file read with its options: header, mapping and a reader positioned after the header.
    struct ParsedFile {
        let encoding: CSVEncoding
        let delimiter: CSVDelimiter
        let header: [String]
        /// `builtin id`, `saved:<uuid>` or `custom`.
        let template: String
        let templateName: String?
        let suggested: String?
        let mapping: CSVMapping
        let isPhoneBookV1: Bool
        /// `false` when the first line is already a contact: the columns are then numbered and read from their values.
        var hasHeader = true
        /// Lines of notes before the header row, skipped.
        var preambleLines = 0
        var rows: CSVReader
    }

    func parse(_ data: Data, options: Options) async throws -> ParsedFile {
        let encoding = options.encoding ?? CSVEncoding.detect(data)
        let utf8 = encoding.utf8Data(of: data)
        let delimiter = options.delimiter ?? CSVDelimiter.detect(utf8)
        var rows = CSVReader(utf8: utf8, delimiter: delimiter)
        // Lines of notes before the header (LinkedIn writes three) are skipped, and the preview says so.
        let preamble = CSVColumnInference.preambleLines(CSVReader(utf8: utf8, delimiter: delimiter))
        for _ in 0..<preamble { _ = rows.next() }
        guard let firstRow = rows.next(), firstRow.cells.contains(where: { !$0.isEmpty }) else {
            throw SwitchboardError.notCSV
        }
        let first = firstRow.cells
        guard first.count <= CSVReader.maximumColumns else {
            throw SwitchboardError.csvTooManyColumns(maximum: CSVReader.maximumColumns)
        }
        // A first line that is already a contact (no template knows it, and it holds an e-mail, a number or a
        // postcode) is read as data, unless the user chose a template: then it is the header they say it is.
        let hasHeader = options.template != nil || !CSVColumnInference.isDataRow(first)
        // A header row followed by nothing is not an address book (whatever the bytes were): nothing to import.
        var probe = rows
        var hasRows = !hasHeader
        while !hasRows, let row = probe.next() { hasRows = row.cells.contains { !$0.isEmpty } }
        guard hasRows else { throw SwitchboardError.notCSV }
        let suggested = hasHeader ? CSVTemplate.suggest(for: first) : nil
        // Sample rows, for columns read from their values (a file without header, or one no template knows).
        var samples: [[String]] = hasHeader ? [] : [first]
        if !hasHeader || (options.template == nil && suggested == nil && options.mapping == nil) {
            while samples.count < 20, let row = rows.next() { samples.append(row.cells) }
            rows = CSVReader(utf8: utf8, delimiter: delimiter)
            for _ in 0..<(preamble + (hasHeader ? 1 : 0)) { _ = rows.next() }
        }
        let header =
            hasHeader
            ? first : CSVColumnInference.header(columns: min(CSVReader.maximumColumns, samples.map(\.count).max() ?? 1))
        var template = options.template ?? suggested?.id ?? "custom"
        var name: String?
        var mapping: CSVMapping
        if let custom = options.mapping {
            mapping = custom
            template = "custom"
        } else if template == "custom" {
            // A file without header is read day first (the exports of our users' languages); one with a header as its
            // language says.
            mapping = CSVMapping(
                fields: CSVColumnInference.fields(
                    header: hasHeader ? header : nil, columns: header.count, samples: samples),
                dayFirst: !hasHeader || CSVTemplate.isDayFirst(header))
        } else if template.hasPrefix("saved:"), let id = UUID(uuidString: String(template.dropFirst(6))),
            let saved = try await CSVImportMappingModel.find(id, on: db), let savedMapping = saved.mapping
        {
            mapping = savedMapping
            name = saved.name
        } else if let builtIn = CSVTemplate.builtIn(id: template) {
            mapping = builtIn.mapping(for: header)
            name = builtIn.name
        } else {
            mapping = CSVMapping(fields: header.map { _ in .ignore })
            template = "custom"
        }
        // A mapping as long as the header: missing columns are ignored, extra fields dropped.
        mapping.fields = header.indices.map { $0 < mapping.fields.count ? mapping.fields[$0] : .ignore }
        let phoneBookV1 = template == "switchboard" && CSVTemplate.isPhoneBookV1(header)
        return ParsedFile(
            encoding: encoding, delimiter: delimiter, header: header, template: template, templateName: name,
            suggested: suggested?.id, mapping: mapping, isPhoneBookV1: phoneBookV1, hasHeader: hasHeader,
            preambleLines: preamble > 0 ? firstRow.line - 1 : 0, rows: rows)
    }

    /// A row as it will be imported, or why it cannot be.
    struct CheckedRow {
        let line: Int
        let cells: [String]
        let result: Result<Contact, SwitchboardError>
        /// Values the rules would refuse, kept in the contact's notes instead of failing the row (`ImportSalvage`).
        var kept: [ImportSalvage.Kept] = []
        /// What names a row the rules refuse: the contact's name as the mapping reads it, else its e-mail or number,
        /// else the first cell with text.
        var failedName = ""

        var displayName: String {
            switch result {
            case .success(let contact): contact.resolvedDisplayName ?? ""
            case .failure: failedName
            }
        }
    }

    static func check(_ row: CSVRow, with mapping: CSVMapping) -> CheckedRow {
        var contact = mapping.contact(from: row)
        // Like any unusable value of an import, a text too long is cut and a value the rules refuse goes to the notes
        // rather than failing the row: a row fails only when nothing in it names a person or a company.
        _ = ContactTextLimits.cutToLimits(&contact)
        // Most rows pass the rules as they are; only a refused one is salvaged (and checked again).
        if let valid = try? ContactRules.normalized(contact) {
            return CheckedRow(line: row.line, cells: row.cells, result: .success(valid))
        }
        let (storable, kept) = ImportSalvage.storable(contact)
        do {
            return CheckedRow(
                line: row.line, cells: row.cells, result: .success(try rule { try ContactRules.normalized(storable) }),
                kept: kept)
        } catch {
            let name =
                contact.resolvedDisplayName ?? contact.emails.first?.address ?? contact.phones.first?.number
                ?? row.cells.first { !$0.isEmpty } ?? ""
            return CheckedRow(
                line: row.line, cells: row.cells, result: .failure(error as? SwitchboardError ?? .badRequest),
                failedName: name)
        }
    }

    /// What the preview shows: the first rows, and every row the rules refuse (up to `problemLimit`).
    struct Preview {
        let file: ParsedFile
        let sample: [CheckedRow]
        let problems: [CheckedRow]
        let rowCount: Int
        let problemCount: Int

        /// The columns that hold data in the first rows and would not be imported, each with a value from the file: the
        /// preview lists them so that nothing is lost silently.
        var ignoredColumns: [(index: Int, header: String, sample: String)] {
            file.header.indices.compactMap { index in
                guard file.mapping.fields[index] == .ignore,
                    let sample = sample.lazy.compactMap({ index < $0.cells.count ? $0.cells[index] : nil })
                        .first(where: { !$0.isEmpty })
                else { return nil }
                return (index, file.header[index], sample)
            }
        }
    }

    /// Reading and checking every row is work for Dispatch's threads, not an event loop (a file of many columns took
    /// seconds, and `/livez` waited that long).
    func preview(_ data: Data, options: Options, sampleSize: Int = 20, problemLimit: Int = 200) async throws
        -> Preview
    {
        try await withTaskExecutorPreference(DispatchTaskExecutor.shared) {
            try await checkedPreview(data, options: options, sampleSize: sampleSize, problemLimit: problemLimit)
        }
    }

    private func checkedPreview(_ data: Data, options: Options, sampleSize: Int, problemLimit: Int) async throws
        -> Preview
    {
        var file = try await parse(data, options: options)
        var sample: [CheckedRow] = []
        var problems: [CheckedRow] = []
        var rowCount = 0
        var problemCount = 0
        while let row = file.rows.next() {
            rowCount += 1
            let checked = Self.check(row, with: file.mapping)
            if sample.count < sampleSize { sample.append(checked) }
            if case .failure = checked.result {
                problemCount += 1
                if problems.count < problemLimit { problems.append(checked) }
            }
        }
        return Preview(file: file, sample: sample, problems: problems, rowCount: rowCount, problemCount: problemCount)
    }

    // MARK: import

    struct Report: Sendable {
        enum Outcome: String, Sendable {
            case created, updated, skipped, failed
        }

        struct Entry: Sendable {
            let line: Int
            let outcome: Outcome
            let displayName: String
            let contactID: UUID?
            let reason: SwitchboardError?
            /// Values of the row kept in the contact's notes.
            var kept: [ImportSalvage.Kept] = []
        }

        var counts: [Outcome: Int] = [:]
        /// At most `entryLimit` entries of each outcome, in file order.
        var entries: [Entry] = []
        var groups: [String] = []
        var phoneBookV1 = false
        /// The columns that held data in some row and were not imported (their field is "ignore"), in file order.
        var ignoredColumns: [String] = []
        static let entryLimit = 500

        mutating func add(_ entry: Entry) {
            counts[entry.outcome, default: 0] += 1
            if counts[entry.outcome]! <= Self.entryLimit { entries.append(entry) }
        }

        func count(_ outcome: Outcome) -> Int { counts[outcome, default: 0] }
    }

    /// Imports every row of `data` in one transaction. A row the rules refuse (no name, a bad number, a taken
    /// speed-dial code, a full DECT group) is reported as failed and the others are imported; a database
    /// error rolls the whole import back and is thrown as `.importFailed`.
    func importCSV(
        _ data: Data, options: Options, into groupIDs: [UUID], duplicates: DuplicateRule, by actor: Actor
    ) async throws -> Report {
        let start = ContinuousClock.now
        let report = try await importRows(data, options: options, into: groupIDs, duplicates: duplicates, by: actor)
        SwitchboardMetrics.current?.imported(
            format: "csv",
            outcomes: Dictionary(uniqueKeysWithValues: report.counts.map { ($0.key.rawValue, $0.value) }),
            elapsed: ContinuousClock.now - start)
        return report
    }

    private func importRows(
        _ data: Data, options: Options, into groupIDs: [UUID], duplicates: DuplicateRule, by actor: Actor
    ) async throws -> Report {
        let access = try await ContactService(db: db).access(for: actor)
        guard access.keepsAddressBooks else { throw SwitchboardError.forbidden }
        defer { FreedMemory.giveBack() }
        // What the file is, read here to choose its groups; the rows are read inside the transaction, from a reader of
        // their own (a parsed file does not cross tasks), and this one is let go (a transcoded file is a copy).
        let (phoneBookV1, template) = try await { () async throws -> (Bool, String) in
            let file = try await parse(data, options: options)
            return (file.isPhoneBookV1, file.template)
        }()
        let targets: [ContactGroupModel]
        if phoneBookV1 {
            targets = [try await phoneBookV1Group(by: actor)]
        } else {
            targets = try await ContactImportService(db: db, photoRules: PhotoRules()).targets(groupIDs, by: actor)
        }
        do {
            return try await ContactBulkSchema.withBulkCache(on: importDB ?? db) { db in
                try await db.writeTransaction { db in
                    var file = try await CSVImportService(db: db).parse(data, options: options)
                    var report = Report(groups: targets.map(\.name), phoneBookV1: phoneBookV1)
                    var importer = try await Importer.start(
                        on: db, targets: targets, duplicates: phoneBookV1 ? nil : duplicates)
                    let lines = data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
                    let large = lines >= deferredIndexesFrom && lines >= importer.storedCount / 2
                    try await ContactBulkSchema.withBulkSchema(on: db, if: large) { triggersOff in
                        importer.fansOut = triggersOff
                        try await Self.importRows(of: &file, with: &importer, report: &report)
                    }
                    let names = targets.map(\.name).sorted().joined(separator: ", ")
                    try await AuditService(db: db).record(
                        .contactsImported, by: actor, target: names.isEmpty ? nil : names,
                        detail:
                            "format=csv template=\(template) created=\(report.count(.created)) updated=\(report.count(.updated)) skipped=\(report.count(.skipped)) failed=\(report.count(.failed))"
                    )
                    return report
                }
            }
        } catch let error as SwitchboardError {
            throw error
        } catch {
            db.logger.error("CSV import rolled back: \(error)")
            throw SwitchboardError.importFailed
        }
    }

    /// Checks and imports the rows left in `file`. A batch's writes run in a child task while the next batch is
    /// checked; the group waits for them before the transaction commits or rolls back. The rows are checked and
    /// decided on Dispatch's threads (`DispatchTaskExecutor`), the writes on the event loops: deciding a batch takes
    /// tens of milliseconds, and on the connection's loop every statement of the writes waited for it to finish.
    private static func importRows(of file: inout ParsedFile, with importer: inout Importer, report: inout Report)
        async throws
    {
        try await withTaskExecutorPreference(DispatchTaskExecutor.shared) {
            try await withThrowingTaskGroup(of: Void.self) { writing in
                var batch: [CheckedRow] = []
                // Ignored columns not seen holding data yet: the report names those that did.
                var unseen = Set(file.mapping.fields.indices.filter { file.mapping.fields[$0] == .ignore })
                var seen: Set<Int> = []
                while let row = file.rows.next() {
                    if !unseen.isEmpty {
                        for index in unseen where index < row.cells.count && !row.cells[index].isEmpty {
                            unseen.remove(index)
                            seen.insert(index)
                        }
                    }
                    batch.append(check(row, with: file.mapping))
                    if batch.count == Importer.batchSize {
                        try await importer.run(batch, report: &report, writing: &writing)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                try await importer.run(batch, report: &report, writing: &writing)
                try await writing.waitForAll()
                report.ignoredColumns = seen.sorted().map { file.header[$0] }
            }
        }
    }

    /// The group legacy phone-book exports land in: the first "phone book v1" group, made when there is none.
    private func phoneBookV1Group(by actor: Actor) async throws -> ContactGroupModel {
        if let group = try await ContactGroupModel.query(on: db).filter(\.$kind == .phoneBookV1).sort(\.$name).first() {
            return group
        }
        return try await ContactGroupService(db: db).create(name: "Phone book v1", kind: .phoneBookV1, by: actor)
    }

    // MARK: saved mappings

    func savedMappings() async throws -> [CSVImportMappingModel] {
        try await CSVImportMappingModel.query(on: db).sort(\.$name).all()
    }

    /// Saves (or replaces) the mapping called `name`.
    func save(_ mapping: CSVMapping, named rawName: String, by actor: Actor) async throws -> CSVImportMappingModel {
        guard try await ContactService(db: db).access(for: actor).keepsAddressBooks else {
            throw SwitchboardError.forbidden
        }
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw SwitchboardError.mappingNameInvalid }
        let model =
            try await CSVImportMappingModel.query(on: db).filter(\.$name == name).first()
            ?? CSVImportMappingModel(name: name, mapping: mapping)
        model.fields = mapping.keys.joined(separator: ",")
        try await model.save(on: db)
        return model
    }
}

extension CSVImportService.Options {
    /// Options as the upload form, the preview form and `switchboard contacts import` name them: an unknown encoding
    /// or delimiter, and "auto"/"custom" templates, are left to detection.
    static func named(encoding: String?, delimiter: String?, template: String?) -> Self {
        Self(
            encoding: encoding.flatMap(CSVEncoding.init(rawValue:)),
            delimiter: delimiter.flatMap(CSVDelimiter.init(name:)),
            template: template.flatMap { $0.isEmpty || $0 == "auto" || $0 == "custom" ? nil : $0 })
    }
}
