import SwitchboardCore
import Vapor

/// A contact's QR code (SVG for the page, PNG to download) and the vCard file of a list scope.
/// The selection's vCard comes from `ContactsListController`, one contact's from `ContactController`.
struct ContactInterchangeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contactQRSVG.pathComponents, use: qrSVG)
        routes.get(Paths.contactQRPNG.pathComponents, use: qrPNG)
        routes.get(Paths.contactsVCard.pathComponents, use: exportScope)
    }

    // MARK: QR code

    func qrSVG(req: Request) async throws -> Response {
        let (matrix, _) = try await Self.qrCode(req)
        return Self.image(Data(matrix.svg().utf8), type: HTTPMediaType(type: "image", subType: "svg+xml"))
    }

    func qrPNG(req: Request) async throws -> Response {
        let (matrix, name) = try await Self.qrCode(req)
        let response = Self.image(matrix.png(), type: .png)
        let file = Downloads.fileName(for: name).dropLast(".vcf".count) + " QR.png"
        response.headers.contentDisposition = .init(.inline, filename: String(file))
        return response
    }

    /// The QR code of a contact the actor may read (anyone else: not found).
    private static func qrCode(_ req: Request) async throws -> (QRMatrix, String) {
        guard let id = req.parameters.get("contactID", as: UUID.self) else { throw SwitchboardError.notFound }
        let (model, _) = try await req.contactService.contact(id, by: try req.actor())
        return (try QRCodeEncoder.matrix(for: model.toDomain()), model.displayName)
    }

    private static func image(_ data: Data, type: HTTPMediaType) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-cache")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    // MARK: vCard of a scope

    struct ExportQuery: Content {
        /// A group's id, `none` for contacts without group, absent for all contacts (as in the list's URL).
        var group: String?
        var version: String?
    }

    func exportScope(req: Request) async throws -> Response {
        let actor = try req.actor()
        let query = try req.query.decode(ExportQuery.self)
        let version = try VCardVersion.requested(query.version)
        let group: UUID?
        switch query.group {
        case nil, "none": group = nil
        case let raw?:
            guard let id = UUID(uuidString: raw) else { throw SwitchboardError.notFound }
            group = id
        }
        let (ids, name) = try await req.contactExportService.exportScope(
            group: group, withoutGroup: query.group == "none", version: version, by: actor)
        return Downloads.vCardFile(ids, version: version, named: name, on: req)
    }
}
