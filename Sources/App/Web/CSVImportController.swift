import SwitchboardCore
import Vapor

/// "Importation CSV": upload (behind `UploadLimitMiddleware`), then the preview (APERÇU) where encoding,
/// delimiter, template and mapping can be changed, a mapping saved, and the import confirmed.
/// The file stays in `CSVUploadStore` between the steps, its id in the session.
struct CSVImportController: RouteCollection {
    let maximumFileBytes: Int

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contactsImportCSV.pathComponents, use: form)
        routes.on(
            .POST, Paths.contactsImportCSV.pathComponents,
            body: .collect(maxSize: ByteCount(value: maximumFileBytes + ContactImportController.formOverheadBytes)),
            use: upload)
    }

    /// The preview's own route, with an ordinary body size.
    struct Preview: RouteCollection {
        func boot(routes: any RoutesBuilder) throws {
            routes.post(Paths.contactsImportCSVPreview.pathComponents, use: CSVImportController.previewAction)
        }
    }

    static let sessionKey = "csv_upload"

    struct UploadForm: Content {
        var file: File?
        var encoding: String?
        var delimiter: String?
        var template: String?
    }

    struct PreviewForm: Content {
        var action: String?
        var encoding: String?
        var delimiter: String?
        var template: String?
        var previousTemplate: String?
        var map: [String]?
        var mappingName: String?
        var groups: [UUID]?
        var duplicates: String?
    }

    func form(req: Request) async throws -> Response {
        let actor = try req.actor()
        try await Self.requireKeeper(req, actor)
        return try await Self.renderUpload(req, error: nil)
    }

    func upload(req: Request) async throws -> Response {
        let actor = try req.actor()
        try await Self.requireKeeper(req, actor)
        let form = try req.content.decode(UploadForm.self)
        do {
            guard let file = form.file, file.data.readableBytes > 0 else { throw SwitchboardError.notCSV }
            guard file.data.readableBytes <= maximumFileBytes else {
                throw SwitchboardError.importTooLarge(maximumBytes: maximumFileBytes)
            }
            let data = Data(buffer: file.data)
            let options = CSVImportService.Options.named(
                encoding: form.encoding, delimiter: form.delimiter, template: form.template)
            let preview = try await req.csvImportService.preview(data, options: options)
            let id = try req.application.csvUploads.save(data)
            if let previous = req.session.data[Self.sessionKey] { req.application.csvUploads.remove(previous) }
            req.session.data[Self.sessionKey] = id
            return try await Self.renderPreview(req, actor: actor, preview, form: nil, error: nil)
        } catch let error as SwitchboardError where error.field == "file" {
            return try await Self.renderUpload(req, error: req.message(for: error), status: error.status)
        }
    }

    @Sendable
    static func previewAction(req: Request) async throws -> Response {
        let actor = try req.actor()
        try await requireKeeper(req, actor)
        let form = try req.content.decode(PreviewForm.self)
        guard let id = req.session.data[sessionKey], let data = req.application.csvUploads.load(id) else {
            return try await renderUpload(
                req, error: req.message(for: .csvUploadExpired), status: SwitchboardError.csvUploadExpired.status)
        }
        var options = CSVImportService.Options.named(
            encoding: form.encoding, delimiter: form.delimiter, template: form.template)
        if let keys = form.map, form.template == form.previousTemplate, let mapping = CSVMapping(keys: keys) {
            let current = try await req.csvImportService.parse(data, options: options).mapping
            if mapping.fields != current.fields { options.mapping = mapping }
        }
        let service = req.csvImportService
        switch form.action {
        case "save":
            let preview = try await service.preview(data, options: options)
            do {
                let saved = try await service.save(preview.file.mapping, named: form.mappingName ?? "", by: actor)
                options.template = "saved:\(saved.id!.uuidString)"
                options.mapping = nil
                return try await renderPreview(
                    req, actor: actor, try await service.preview(data, options: options), form: form, error: nil,
                    notice: req.text("csv.mapping_saved", ["name": saved.name]))
            } catch let error as SwitchboardError where error == .mappingNameInvalid {
                return try await renderPreview(
                    req, actor: actor, preview, form: form, error: req.message(for: error), status: error.status)
            }
        case "import":
            let rule = CSVImportService.DuplicateRule(rawValue: form.duplicates ?? "") ?? .skip
            do {
                let report = try await service.importCSV(
                    data, options: options, into: form.groups ?? [], duplicates: rule, by: actor)
                req.application.csvUploads.remove(id)
                req.session.data[sessionKey] = nil
                return try await req.render(
                    "contacts/csv-report", titleKey: "csv.report_title", section: "contacts",
                    CSVReportPage(report, on: req))
            } catch let error as SwitchboardError where error == .importFailed || error.field == "file" {
                let preview = try await service.preview(data, options: options)
                return try await renderPreview(
                    req, actor: actor, preview, form: form, error: req.message(for: error), status: error.status)
            }
        default:
            return try await renderPreview(
                req, actor: actor, try await service.preview(data, options: options), form: form, error: nil)
        }
    }

    /// CSV import is for those who keep the address books; a subscriber is refused and nothing changes.
    static func requireKeeper(_ req: Request, _ actor: Actor) async throws {
        guard try await req.contactService.access(for: actor).keepsAddressBooks else {
            throw SwitchboardError.forbidden
        }
    }

    static func renderUpload(_ req: Request, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let page = UploadPage(
            maximumMegabytes: req.application.config.importMaximumBytes / 1_000_000,
            encodings: CSVEncoding.allCases.map {
                Choice(value: $0.rawValue, label: $0.chooserLabel(req), selected: false)
            },
            delimiters: CSVDelimiter.allCases.map {
                Choice(value: $0.name, label: req.text($0.labelKey), selected: false)
            },
            templates: try await templateChoices(req, selected: nil), error: error)
        return try await req.render(
            "contacts/csv-import", titleKey: "csv.import_title", section: "contacts", page, status: status)
    }

    struct Choice: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct UploadPage: Encodable {
        let maximumMegabytes: Int
        let encodings: [Choice]
        let delimiters: [Choice]
        let templates: [Choice]
        let error: String?
    }

    static func templateChoices(_ req: Request, selected: String?) async throws -> [Choice] {
        let saved = try await req.csvImportService.savedMappings()
        return CSVTemplate.builtIn.map { Choice(value: $0.id, label: $0.name, selected: $0.id == selected) }
            + saved.map {
                let value = "saved:\($0.id!.uuidString)"
                return Choice(
                    value: value, label: req.text("csv.saved_mapping", ["name": $0.name]), selected: value == selected)
            }
    }

    static func renderPreview(
        _ req: Request, actor: Actor, _ preview: CSVImportService.Preview, form: PreviewForm?, error: String?,
        notice: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let page = try await CSVPreviewPage.build(req, actor: actor, preview, form: form, error: error, notice: notice)
        return try await req.render(
            "contacts/csv-preview", titleKey: "csv.preview_title", section: "contacts", page, status: status)
    }
}

extension CSVEncoding {
    /// "Shift_JIS — Japanese": the set's name and the script it writes, in the reader's language.
    func chooserLabel(_ req: Request) -> String { "\(label.name) — \(req.text(label.scriptKey))" }
}
