import Foundation
import SwitchboardCore
import Vapor

/// Files the pages send: their headers and names, for every page that sends one.
enum Downloads {
    /// A `.vcf` download of `ids`, written while it is sent.
    static func vCardFile(_ ids: [UUID], version: VCardVersion, named name: String, on req: Request) -> Response {
        let batches = req.contactExportService.vCards(of: ids, version: version)
        let response = Response(
            status: .ok,
            body: .init(managedAsyncStream: { writer in
                for try await batch in batches { try await writer.writeBuffer(ByteBuffer(bytes: batch)) }
            }))
        vCardHeaders(&response.headers, fileName: fileName(for: name))
        return response
    }

    static func vCardHeaders(_ headers: inout HTTPHeaders, fileName: String) {
        headers.contentType = HTTPMediaType(type: "text", subType: "vcard", parameters: ["charset": "utf-8"])
        headers.contentDisposition = .init(.attachment, filename: fileName)
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
    }

    /// "Émile Zola" → "Emile Zola.vcf": what every system can save, whatever its file names allow.
    static func fileName(for displayName: String) -> String {
        let ascii =
            displayName.applyingTransform(.toLatin, reverse: false)?
            .applyingTransform(.stripDiacritics, reverse: false) ?? displayName
        let safe = ascii.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || " .-_".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        let name = String(safe).trimmingCharacters(in: .whitespaces)
        return (name.isEmpty ? "contact" : String(name.prefix(80))) + ".vcf"
    }
}
