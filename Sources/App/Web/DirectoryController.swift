import SwitchboardCore
import Vapor

/// What desk phones download: a published contact group as Yealink, Snom, Grandstream, Fanvil or
/// plain XML, and a search for phones that look names up remotely. HTTP Basic with the group's own
/// directory password is the only way in; any refusal is the same 401, so a URL tells nobody
/// whether the group exists.
struct DirectoryController: RouteCollection {
    static let realm = "Switchboard phone directory"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.directorySearch.pathComponents, use: search)
        routes.get(Paths.directoryFile.pathComponents, use: download)
    }

    func download(req: Request) async throws -> Response {
        guard let file = req.parameters.get("file"), file.hasSuffix(".xml"),
            let format = file == "directory.xml" ? .xml : PhoneDirectoryFormat(rawValue: String(file.dropLast(4)))
        else { throw Abort(.notFound) }
        let group: ContactGroupModel
        switch try await authorize(req) {
        case .granted(let granted): group = granted
        case .refused: return Self.challenge()
        case .throttled(let seconds): return Self.throttled(seconds)
        }
        SwitchboardMetrics.current?.directoryDownload(format: format.rawValue)
        return Self.stream(
            format, title: group.name, entries: req.groupDirectoryService.entries(of: try group.requireID()))
    }

    /// `?q=` text to look for; `?format=yealink|snom|grandstream|fanvil|xml` (default `xml`).
    func search(req: Request) async throws -> Response {
        let group: ContactGroupModel
        switch try await authorize(req) {
        case .granted(let granted): group = granted
        case .refused: return Self.challenge()
        case .throttled(let seconds): return Self.throttled(seconds)
        }
        let query = (try? req.query.get(String.self, at: "q")) ?? ""
        let format = ((try? req.query.get(String.self, at: "format")).flatMap(PhoneDirectoryFormat.init)) ?? .xml
        SwitchboardMetrics.current?.directoryDownload(format: "search-\(format.rawValue)")
        let entries = try await req.groupDirectoryService.search(query, in: try group.requireID())
        var text = PhoneDirectoryXML.header(format, title: group.name)
        for entry in entries { text += PhoneDirectoryXML.entry(format, entry) }
        text += PhoneDirectoryXML.footer(format)
        return Response(status: .ok, headers: Self.xmlHeaders, body: .init(string: text))
    }

    /// A request without credentials is a phone's first try (it answers the challenge): not a failure.
    private func authorize(_ req: Request) async throws -> GroupDirectoryService.Authorization {
        guard let credentials = req.headers.basicAuthorization else { return .refused }
        // A malformed id is checked (and counted) like an unknown group.
        let groupID = req.parameters.get("groupID", as: UUID.self) ?? UUID()
        return try await req.groupDirectoryService.authorize(
            groupID: groupID, username: credentials.username, password: credentials.password,
            clientAddress: req.clientAddress, throttle: req.application.loginThrottle)
    }

    static func throttled(_ seconds: Int) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
        headers.contentType = .plainText
        return Response(status: .tooManyRequests, headers: headers, body: .init(string: "Too many attempts\n"))
    }

    static func challenge() -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"\(realm)\", charset=\"UTF-8\"")
        headers.contentType = .plainText
        return Response(status: .unauthorized, headers: headers, body: .init(string: "Authentication required\n"))
    }

    static var xmlHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "xml", parameters: ["charset": "utf-8"])
        headers.cacheControl = .init(noStore: true)
        return headers
    }

    /// Written a batch at a time as the phone reads it: each batch's XML is one buffer, one write.
    static func stream(_ format: PhoneDirectoryFormat, title: String, entries: DirectoryEntries) -> Response {
        Response(
            status: .ok, headers: xmlHeaders,
            body: .init(managedAsyncStream: { writer in
                try await writer.writeBuffer(ByteBuffer(string: PhoneDirectoryXML.header(format, title: title)))
                for try await batch in entries {
                    var text = ""
                    text.reserveCapacity(batch.count * 160)
                    for entry in batch { text += PhoneDirectoryXML.entry(format, entry) }
                    try await writer.writeBuffer(ByteBuffer(string: text))
                }
                try await writer.writeBuffer(ByteBuffer(string: PhoneDirectoryXML.footer(format)))
            }))
    }
}
