import SwitchboardCore
import Vapor

/// "Exporter le CSV": choose the scope and the delimiter, confirm the legal notice, download.
struct CSVExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contactsExportCSV.pathComponents, use: form)
        routes.post(Paths.contactsExportCSV.pathComponents, use: export)
    }

    struct ExportForm: Content {
        /// `all`, `group` or `letter`.
        var scope: String?
        var group: String?
        var letter: String?
        /// `;` or `,`.
        var delimiter: String?
        var confirm: String?
        /// From the list's link: its group and tab pre-select the scope.
        var tab: String?
    }

    struct Page: Encodable {
        let scope: String
        let groups: [CSVImportController.Choice]
        let letters: [CSVImportController.Choice]
        let delimiter: String
        let error: String?
    }

    func form(req: Request) async throws -> Response {
        let query = try req.query.decode(ExportForm.self)
        var values = query
        if values.scope == nil {
            values.scope =
                query.group.flatMap(UUID.init(uuidString:)) != nil ? "group" : query.tab != nil ? "letter" : "all"
            values.letter = query.tab
        }
        return try await render(req, values, error: nil)
    }

    func export(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(ExportForm.self)
        guard form.confirm == "on" || form.confirm == "true" || form.confirm == "1" else {
            return try await render(
                req, form, error: req.message(for: .exportNotConfirmed),
                status: SwitchboardError.exportNotConfirmed.status)
        }
        let delimiter: CSVDelimiter = form.delimiter == "," ? .comma : .semicolon
        let scope: CSVExportService.Scope
        switch form.scope {
        case "group":
            guard let id = form.group.flatMap(UUID.init(uuidString:)) else { throw SwitchboardError.badRequest }
            scope = .group(id)
        case "letter": scope = .letter(form.letter ?? "")
        default: scope = .all
        }
        let service = req.csvExportService
        let export = try await service.prepare(scope, delimiter: delimiter, by: actor)
        let batches = service.batches(of: export, delimiter: delimiter)
        let response = Response(
            status: .ok,
            body: .init(managedAsyncStream: { writer in
                for try await batch in batches { try await writer.writeBuffer(ByteBuffer(bytes: batch)) }
            }))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        let fileName = String(Downloads.fileName(for: export.name).dropLast(".vcf".count)) + ".csv"
        response.headers.contentDisposition = .init(.attachment, filename: fileName)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func render(_ req: Request, _ values: ExportForm, error: String?, status: HTTPStatus = .ok) async throws
        -> Response
    {
        let actor = try req.actor()
        let groups = try await req.contactGroupService.list(by: actor)
        let page = Page(
            scope: values.scope ?? "all",
            groups: groups.map {
                .init(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == values.group)
            },
            letters: SearchFolding.tabs.map { .init(value: $0, label: $0, selected: $0 == values.letter) },
            delimiter: values.delimiter == "," ? "," : ";", error: error)
        return try await req.render(
            "contacts/csv-export", titleKey: "csv.export_title", section: "contacts", page, status: status)
    }
}
