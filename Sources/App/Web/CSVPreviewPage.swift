import SwitchboardCore
import Vapor

/// APERÇU: what the file holds as we read it, the mapping, the rows' problems, and the import choices.
struct CSVPreviewPage: Encodable {
    struct Column: Encodable {
        let index: Int
        let header: String
        let sample: String
        let options: [CSVImportController.Choice]
    }

    struct Row: Encodable {
        let line: Int
        /// The name the contact will have, or what names a refused row.
        let name: String
        /// The row's cells under `fileColumns`, as read from the file.
        let cells: [String]
        let problem: String?
        /// Values kept in the notes rather than failing the row.
        let notice: String?
    }

    /// A column that holds data and is not imported, with a value from the file.
    struct Ignored: Encodable {
        let header: String
        let sample: String
    }

    struct Problem: Encodable {
        let line: Int
        let name: String
        let reason: String
    }

    let encodings: [CSVImportController.Choice]
    let delimiters: [CSVImportController.Choice]
    let templates: [CSVImportController.Choice]
    let template: String
    let templateName: String?
    let suggestedName: String?
    let isCustom: Bool
    let columns: [Column]
    /// The file's columns that hold data in the rows shown (the others are left out of the rows' table).
    let fileColumns: [String]
    let rows: [Row]
    let rowCount: Int
    let problemCount: Int
    /// The rows the import will bring in: those the rules do not refuse.
    let importableCount: Int
    let problems: [Problem]
    let moreProblems: Int
    let isPhoneBookV1: Bool
    /// The first line is already a contact: columns numbered and read from their values.
    let noHeader: Bool
    /// Lines of notes before the header row, skipped (0: none).
    let preambleLines: Int
    let ignored: [Ignored]
    let groups: [ContactFormPage.GroupChoice]
    let duplicates: [CSVImportController.Choice]
    let mappingName: String
    let error: String?
    let notice: String?

    static func build(
        _ req: Request, actor: Actor, _ preview: CSVImportService.Preview, form: CSVImportController.PreviewForm?,
        error: String?, notice: String?
    ) async throws -> CSVPreviewPage {
        let file = preview.file
        let access = try await req.contactService.access(for: actor)
        let writable = try await req.contactGroupService.list(by: actor).filter {
            access.canWrite(group: $0.ref) && $0.kind != .phoneBookV1
        }
        // The seed: "the contacts are automatically assigned to the predefined standard contact groups" — on the first
        // preview, the importing user's standard group is ticked; after that, what the form says.
        let standard = try await req.contactService.standardGroup(of: actor)?.id
        let checked = form.map { Set($0.groups ?? []) } ?? Set([standard].compactMap { $0 })
        let rule = form?.duplicates ?? CSVImportService.DuplicateRule.skip.rawValue
        let first = preview.sample.first
        let columns = file.header.enumerated().map { index, header in
            let field = file.mapping.fields[index]
            var options = CSVField.choices.map {
                CSVImportController.Choice(value: $0.key, label: label(of: $0, on: req), selected: $0 == field)
            }
            if !CSVField.choices.contains(field) {
                options.append(.init(value: field.key, label: req.text("csv.field.as_template"), selected: true))
            }
            let sample = first.flatMap { index < $0.cells.count ? $0.cells[index] : nil } ?? ""
            return Column(index: index, header: header, sample: sample, options: options)
        }
        let shown = file.header.indices.filter { index in
            preview.sample.contains { index < $0.cells.count && !$0.cells[index].isEmpty }
        }
        let rows = preview.sample.map { row -> Row in
            let cells = shown.map { $0 < row.cells.count ? row.cells[$0] : "" }
            switch row.result {
            case .success:
                return Row(
                    line: row.line, name: row.displayName, cells: cells, problem: nil,
                    notice: keptText(row.kept, on: req))
            case .failure(let error):
                return Row(
                    line: row.line, name: row.displayName, cells: cells, problem: req.message(for: error), notice: nil)
            }
        }
        let problems = preview.problems.map { row -> Problem in
            guard case .failure(let error) = row.result else { fatalError("only failures are problems") }
            return Problem(line: row.line, name: row.displayName, reason: req.message(for: error))
        }
        return CSVPreviewPage(
            encodings: CSVEncoding.allCases.map {
                .init(value: $0.rawValue, label: $0.chooserLabel(req), selected: $0 == file.encoding)
            },
            delimiters: CSVDelimiter.allCases.map {
                .init(value: $0.name, label: req.text($0.labelKey), selected: $0 == file.delimiter)
            },
            templates: try await CSVImportController.templateChoices(req, selected: file.template),
            template: file.template, templateName: file.templateName,
            suggestedName: file.suggested.flatMap { CSVTemplate.builtIn(id: $0)?.name },
            isCustom: file.template == "custom", columns: columns, fileColumns: shown.map { file.header[$0] },
            rows: rows, rowCount: preview.rowCount, problemCount: preview.problemCount,
            importableCount: preview.rowCount - preview.problemCount, problems: problems,
            moreProblems: preview.problemCount - problems.count,
            isPhoneBookV1: file.isPhoneBookV1, noHeader: !file.hasHeader, preambleLines: file.preambleLines,
            ignored: preview.ignoredColumns.map { Ignored(header: $0.header, sample: $0.sample) },
            groups: writable.map { ContactFormPage.GroupChoice($0, checked: checked.contains($0.id!)) },
            duplicates: CSVImportService.DuplicateRule.allCases.map {
                .init(
                    value: $0.rawValue, label: req.text("csv.duplicates.\($0.rawValue)"), selected: $0.rawValue == rule)
            },
            mappingName: form?.mappingName ?? "", error: error, notice: notice)
    }

    /// "TEL kept in the notes: pager; EMAIL kept in the notes: root@" — `nil` when nothing was kept.
    static func keptText(_ kept: [ImportSalvage.Kept], on req: Request) -> String? {
        guard !kept.isEmpty else { return nil }
        return kept.map { req.text("import.notice.kept_in_notes", ["property": $0.property, "value": $0.value]) }
            .joined(separator: "; ")
    }

    /// "Business phone", "Private address – city".
    static func label(of field: CSVField, on req: Request) -> String {
        switch field {
        case .phone(let type): req.text("csv.field.phone", ["type": req.text("phone_type.\(type.rawValue)")])
        case .email(let type): req.text("csv.field.email", ["type": req.text("email_type.\(type.rawValue)")])
        case .address(let type, let part):
            req.text(
                "csv.field.address",
                ["type": req.text("address_type.\(type.rawValue)"), "part": req.text("csv.field.\(part.rawValue)")])
        default: req.text("csv.field.\(field.key)")
        }
    }
}

/// The CSV import report: counts, then every created, updated, skipped and failed row with its line.
struct CSVReportPage: Encodable {
    struct Entry: Encodable {
        let line: Int
        let outcome: String
        let name: String
        let url: String?
        let reason: String
    }

    let created: Int
    let updated: Int
    let skipped: Int
    let failed: Int
    let groups: [String]
    let phoneBookV1: Bool
    let ignoredColumns: [String]
    let entries: [Entry]
    let truncated: Bool
    let listURL: String
    let importURL: String

    init(_ report: CSVImportService.Report, on req: Request) {
        created = report.count(.created)
        updated = report.count(.updated)
        skipped = report.count(.skipped)
        failed = report.count(.failed)
        groups = report.groups
        phoneBookV1 = report.phoneBookV1
        ignoredColumns = report.ignoredColumns
        entries = report.entries.map { entry in
            let reason: String =
                switch entry.outcome {
                case .failed: entry.reason.map(req.message(for:)) ?? ""
                case .skipped: req.text("csv.reason.duplicate")
                case .updated:
                    ([req.text(report.phoneBookV1 ? "csv.reason.identical" : "csv.reason.updated")]
                        + [CSVPreviewPage.keptText(entry.kept, on: req)].compactMap { $0 }).joined(separator: " ")
                case .created: CSVPreviewPage.keptText(entry.kept, on: req) ?? ""
                }
            return Entry(
                line: entry.line, outcome: req.text("csv.outcome.\(entry.outcome.rawValue)"), name: entry.displayName,
                url: entry.contactID.map { Paths.contact.url($0) }, reason: reason)
        }
        truncated = report.counts.values.contains { $0 > CSVImportService.Report.entryLimit }
        listURL = Paths.contacts.path
        importURL = Paths.contactsImportCSV.path
    }
}

extension CSVDelimiter {
    var labelKey: String {
        switch self {
        case .comma: "csv.delimiter.comma"
        case .semicolon: "csv.delimiter.semicolon"
        case .tab: "csv.delimiter.tab"
        case .pipe: "csv.delimiter.pipe"
        }
    }
}
