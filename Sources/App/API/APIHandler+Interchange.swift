import Foundation
import OpenAPIRuntime
import SwitchboardCore
import Vapor

/// QR codes under `/api/v1/contacts`, on the same services as the pages.
extension APIHandler {
    func getContactQRCode(_ input: Operations.GetContactQRCode.Input) async throws -> Operations.GetContactQRCode.Output
    {
        let (request, actor) = try context()
        let (contact, _) = try await request.contactService.contact(try uuid(input.path.contactId), by: actor)
        let matrix = try QRCodeEncoder.matrix(for: contact.toDomain())
        // SVG unless PNG is preferred (a missing or `*/*` Accept gets SVG).
        let preferred = input.headers.accept.sortedByQuality().first?.contentType
        if preferred == .png {
            return .ok(.init(body: .png(HTTPBody(matrix.png()))))
        }
        return .ok(.init(body: .imageSvgXml(HTTPBody(matrix.svg()))))
    }
}
