import SwitchboardCore
import Vapor

/// What desk phones download: a published contact group as Yealink, Snom, Grandstream, Fanvil or
/// plain XML, and a search for phones that look names up remotely. HTTP Basic with the group's own
/// directory password is the only way in; any refusal is the same 401, so a URL tells nobody
/// whether the group exists.
struct DirectoryController: RouteCollection {
    static let realm = "Switchboard phone directory"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.directorySearchPattern.pathComponents, use: search)
        routes.get(Paths.directoryFilePattern.pathComponents, use: download)
    }

    func download(req: Request) async throws -> Response {
        guard let file = req.parameters.get("file"), file.hasSuffix(".xml"),
            let format = file == "directory.xml" ? .xml : PhoneDirectoryFormat(rawValue: String(file.dropLast(4)))
        else { throw Abort(.notFound) }
        guard let group = try await authorizedGroup(req) else { return Self.challenge() }
        return Self.stream(
            format, title: group.name, entries: req.groupDirectoryService.entries(of: try group.requireID()))
    }

    /// `?q=` text to look for; `?format=yealink|snom|grandstream|fanvil|xml` (default `xml`).
    func search(req: Request) async throws -> Response {
        guard let group = try await authorizedGroup(req) else { return Self.challenge() }
        let query = (try? req.query.get(String.self, at: "q")) ?? ""
        let format = ((try? req.query.get(String.self, at: "format")).flatMap(PhoneDirectoryFormat.init)) ?? .xml
        return Self.stream(
            format, title: group.name, entries: req.groupDirectoryService.search(query, in: try group.requireID()))
    }

    private func authorizedGroup(_ req: Request) async throws -> ContactGroupModel? {
        guard let groupID = req.parameters.get("groupID", as: UUID.self),
            let credentials = req.headers.basicAuthorization
        else { return nil }
        return try await req.groupDirectoryService.authorize(
            groupID: groupID, username: credentials.username, password: credentials.password)
    }

    static func challenge() -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"\(realm)\", charset=\"UTF-8\"")
        headers.contentType = .plainText
        return Response(status: .unauthorized, headers: headers, body: .init(string: "Authentication required\n"))
    }

    /// Written a batch at a time as the phone reads it.
    static func stream(_ format: PhoneDirectoryFormat, title: String, entries: DirectoryEntries) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "xml", parameters: ["charset": "utf-8"])
        headers.cacheControl = .init(noStore: true)
        return Response(
            status: .ok, headers: headers,
            body: .init(managedAsyncStream: { writer in
                try await writer.writeBuffer(ByteBuffer(string: PhoneDirectoryXML.header(format, title: title)))
                for try await batch in entries {
                    let text = batch.map { PhoneDirectoryXML.entry(format, $0) }.joined()
                    try await writer.writeBuffer(ByteBuffer(string: text))
                }
                try await writer.writeBuffer(ByteBuffer(string: PhoneDirectoryXML.footer(format)))
            }))
    }
}
