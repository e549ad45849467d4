import SwitchboardCore
import Vapor

/// A contact's QR code: SVG for the page, PNG to download.
struct ContactInterchangeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contactQRSVGPattern.pathComponents, use: qrSVG)
        routes.get(Paths.contactQRPNGPattern.pathComponents, use: qrPNG)
    }

    // MARK: QR code

    func qrSVG(req: Request) async throws -> Response {
        let (matrix, _) = try await Self.qrCode(req)
        return Self.image(Data(matrix.svg().utf8), type: HTTPMediaType(type: "image", subType: "svg+xml"))
    }

    func qrPNG(req: Request) async throws -> Response {
        let (matrix, name) = try await Self.qrCode(req)
        let response = Self.image(matrix.png(), type: .png)
        let file = ContactController.fileName(for: name).dropLast(".vcf".count) + " QR.png"
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
}
