import SwitchboardCore
import Vapor

/// "Importer la vCard": a file of one or many cards into groups the user may write, then the report.
/// Registered behind `UploadLimitMiddleware`, which reads bodies up to the import limit.
struct ContactImportController: RouteCollection {
    /// `SWITCHBOARD_IMPORT_MAX_MB`: the largest file.
    let maximumFileBytes: Int

    /// The multipart envelope around the file: boundaries, headers, the CSRF token and group ids.
    static let formOverheadBytes = 64 * 1024

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contactsImport.pathComponents, use: form)
        routes.on(
            .POST, Paths.contactsImport.pathComponents,
            body: .collect(maxSize: ByteCount(value: maximumFileBytes + Self.formOverheadBytes)), use: upload)
    }

    struct FormPage: Encodable {
        let groups: [ContactFormPage.GroupChoice]
        let keepsAddressBooks: Bool
        let maximumMegabytes: Int
        let error: String?
    }

    struct ImportForm: Content {
        var file: File?
        var groups: [UUID]?
    }

    func form(req: Request) async throws -> Response {
        try await renderForm(req, actor: try req.actor(), checked: nil)
    }

    func upload(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(ImportForm.self)
        let groupIDs = form.groups ?? []
        do {
            guard let file = form.file, file.data.readableBytes > 0 else { throw SwitchboardError.notVCard }
            guard file.data.readableBytes <= maximumFileBytes else {
                throw SwitchboardError.importTooLarge(maximumBytes: maximumFileBytes)
            }
            let service = req.contactImportService
            if groupIDs.isEmpty, try await service.needsGroup(actor) {
                return try await renderForm(
                    req, actor: actor, checked: [], error: req.text("import.group_required"),
                    status: .unprocessableEntity)
            }
            let report = try await service.importVCards(Data(buffer: file.data), into: groupIDs, by: actor)
            return try await req.render(
                "contacts/import-report", titleKey: "import.report_title", section: "contacts",
                ImportReportPage(report, on: req))
        } catch let error as SwitchboardError where error.field == "file" {
            return try await renderForm(
                req, actor: actor, checked: Set(groupIDs), error: req.message(for: error), status: error.status)
        }
    }

    private func renderForm(
        _ req: Request, actor: Actor, checked: Set<UUID>?, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let service = req.contactImportService
        guard try await service.canImport(actor) else { throw SwitchboardError.forbidden }
        let access = try await req.contactService.access(for: actor)
        let writable = try await req.contactGroupService.list(by: actor).filter { access.canWrite(group: $0.ref) }
        let standard = try await req.contactService.standardGroup(of: actor)?.id
        let chosen = checked ?? Set(standard.map { [$0] } ?? [])
        let page = FormPage(
            groups: writable.map {
                ContactFormPage.GroupChoice($0, checked: chosen.contains($0.id!))
            },
            keepsAddressBooks: access.keepsAddressBooks, maximumMegabytes: maximumFileBytes / 1_000_000,
            error: error)
        return try await req.render(
            "contacts/import", titleKey: "import.title", section: "contacts", page, status: status)
    }
}
