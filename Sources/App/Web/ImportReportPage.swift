import SwitchboardCore
import Vapor

/// The import report as people read it: counts, where the contacts went, and every remark with its line.
struct ImportReportPage: Encodable {
    struct Remarked: Encodable {
        let line: Int
        let name: String
        let url: String
        let notes: [String]
    }

    struct Refused: Encodable {
        let line: Int
        let name: String
        let reason: String
    }

    struct Problem: Encodable {
        let line: Int
        let message: String
    }

    let created: Int
    let refusedCount: Int
    let groups: [String]
    let remarked: [Remarked]
    let refused: [Refused]
    let problems: [Problem]
    let listURL: String
    let importURL: String

    init(_ report: ContactImportService.Report, on req: Request) {
        created = report.imported.count
        refusedCount = report.refused.count
        groups = report.groups.map(\.name)
        remarked = report.imported.filter { !$0.notices.isEmpty }.map { card in
            Remarked(
                line: card.line, name: card.displayName, url: Paths.contact.url(card.contactID),
                notes: card.notices.map(req.message(for:)))
        }
        refused = report.refused.map {
            Refused(line: $0.line, name: $0.displayName, reason: req.message(for: $0.reason))
        }
        problems = report.problems.map { Problem(line: $0.line, message: req.message(for: $0)) }
        listURL =
            report.groups.count == 1
            ? ContactsListController.ListQuery(group: report.groups[0].id!.uuidString).url() : Paths.contacts.path
        importURL = Paths.contactsImport.path
    }
}

extension VCardProblem {
    /// Stable, in the API's import report; names the translation `import.problem.*`.
    var code: String {
        switch kind {
        case .missingEnd: "missing_end"
        case .outsideCard: "outside_card"
        case .missingColon: "missing_colon"
        case .malformedParameter: "malformed_parameter"
        case .malformedPhoto: "malformed_photo"
        case .nameMissing: "name_missing"
        }
    }

    var arguments: [String: String] {
        if case .malformedParameter(let parameter) = kind { return ["parameter": parameter] }
        return [:]
    }

    static let allForTranslationCheck: [VCardProblem.Kind] = [
        .missingEnd, .outsideCard, .missingColon, .malformedParameter("x"), .malformedPhoto, .nameMissing,
    ]
}

extension ContactImportService.Notice {
    /// Stable, in the API's import report; names the translation `import.notice.*`.
    var code: String {
        switch self {
        case .card(.keptInNotes): "kept_in_notes"
        case .card(.dropped): "dropped"
        case .card(.unknownCharset): "unknown_charset"
        case .photoNotKept: "photo_not_kept"
        case .shortCodeTaken: "short_code_taken"
        case .cut: "cut"
        }
    }

    /// The vCard property concerned, if any.
    var property: String? {
        switch self {
        case .card(.keptInNotes(let property, _)), .card(.dropped(let property)): property
        case .shortCodeTaken: ImportSalvage.shortCodeProperty
        case .photoNotKept: "PHOTO"
        case .card(.unknownCharset): nil
        case .cut(let field): field.rawValue
        }
    }

    /// What was kept in the notes, or the unknown character set.
    var value: String? {
        switch self {
        case .card(.keptInNotes(_, let value)), .shortCodeTaken(let value), .card(.unknownCharset(let value)): value
        case .card(.dropped), .photoNotKept: nil
        case .cut(let field): String(field.maximum)
        }
    }

    static let allForTranslationCheck: [Self] = [
        .card(.keptInNotes(property: "URL", value: "x")), .card(.dropped(property: "LOGO")),
        .card(.unknownCharset("x")), .photoNotKept(.notImage), .shortCodeTaken("1"),
        .cut(.notes),
    ]
}

extension Request {
    func message(for problem: VCardProblem) -> String {
        text("import.problem.\(problem.code)", problem.arguments)
    }

    func message(for notice: ContactImportService.Notice) -> String {
        var arguments: [String: String] = [:]
        if let property = notice.property { arguments["property"] = property }
        if let value = notice.value { arguments["value"] = value }
        if case .photoNotKept(let violation) = notice { arguments["reason"] = message(for: .photo(violation)) }
        return text("import.notice.\(notice.code)", arguments)
    }
}
