import Vapor

/// Serves `Public/` through Vapor's `FileMiddleware`, but only for paths under one of its entries
/// (listed once at start: `css`, `js`, `favicon.svg`…). `FileMiddleware` alone asks the file system
/// about every request's path on another thread — a round trip each page, API call and PBX
/// question paid for nothing.
struct PublicFilesMiddleware: AsyncMiddleware {
    private let files: FileMiddleware
    private let entries: Set<Substring>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? []
        entries = Set(names.map { Substring($0) })
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path.drop { $0 == "/" }
        let first = path.prefix { $0 != "/" }
        guard entries.contains(first) else { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next)
    }
}
