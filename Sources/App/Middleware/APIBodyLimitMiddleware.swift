import Vapor

/// Every `/api/v1` route reads its body through here, bounded before a byte is kept: the generated transport would
/// collect any size (a 1 GB JSON contact), and Vapor's own limit does not apply to streamed routes. The limit is the
/// import limit on the import route, the photo limit on photo routes, and `SWITCHBOARD_API_MAX_KB` everywhere else.
/// It runs after routing, so it knows the matched route; a declared `Content-Length` above the limit is refused
/// before reading, a body that grows past it while arriving as soon as it does.
struct APIBodyLimitMiddleware: AsyncMiddleware {
    let config: AppConfig

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let maximum = Self.maximumBytes(for: request.route, config: config)
        // An import names the limit people know from the import pages.
        let refusal: SwitchboardError =
            maximum == config.importMaximumBytes && Self.isImport(request.route)
            ? .importTooLarge(maximumBytes: maximum) : .bodyTooLarge(maximumBytes: maximum)
        if let declared = request.headers.first(name: .contentLength).flatMap(Int.init), declared > maximum {
            throw refusal
        }
        if request.body.data == nil {
            do {
                _ = try await request.body.collect(max: maximum).get()
            } catch let abort as any AbortError where abort.status == .payloadTooLarge {
                throw refusal
            }
        } else if let data = request.body.data, data.readableBytes > maximum {
            throw refusal
        }
        return try await next.respond(to: request)
    }

    /// The routes that take a file to import: vCard, and CSV's preview and import.
    static func isImport(_ route: Route?) -> Bool {
        let path = route?.path.map(\.description) ?? []
        return path == ["api", "v1", "contacts", "import"]
            || path.starts(with: ["api", "v1", "contacts", "csv"])
                && ["preview", "import"].contains(path.last)
    }

    static func maximumBytes(for route: Route?, config: AppConfig) -> Int {
        let path = route?.path.map(\.description) ?? []
        if isImport(route) { return config.importMaximumBytes }
        if path.last == "photo" { return max(config.apiMaximumBytes, config.photoRules.maximumBytes + 1) }
        return config.apiMaximumBytes
    }
}

/// No property the API defines is `null` in a request body, at any depth, unless the document says it may be: the
/// generated decoder reads `{"name": null}` as "left out", so a PATCH answered 200 for a change it did not make and a
/// forwarding rule with `"rings": null` was saved with the default. The names come from `openapi.yaml` (a property
/// whose definition mentions `null` may be null); a key the document does not know is left to the decoder.
struct APINullPropertyMiddleware: AsyncMiddleware {
    let declared: Set<String>

    init(document: String) {
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
        let property = /^(\s+)([A-Za-z_][A-Za-z0-9_]*):/
        var declared: Set<String> = []
        var nullable: Set<String> = []
        for (index, line) in lines.enumerated() {
            guard let match = try? property.firstMatch(in: line) else { continue }
            let name = String(match.2)
            let indent = match.1.count
            declared.insert(name)
            let block = lines[index...].prefix { $0 == line || $0.prefix { $0 == " " }.count > indent }
            if block.contains(where: { $0.contains("null") }) { nullable.insert(name) }
        }
        self.declared = declared.subtracting(nullable)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if [.POST, .PUT, .PATCH].contains(request.method), request.headers.contentType == .json,
            let body = request.body.data,
            let value = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)),
            holdsDeclaredNull(value)
        {
            throw SwitchboardError.badRequest
        }
        return try await next.respond(to: request)
    }

    private func holdsDeclaredNull(_ value: Any) -> Bool {
        if let object = value as? [String: Any] {
            // Only what the document declares is looked into: extra properties are the decoder's to ignore.
            return object.contains { declared.contains($0.key) && ($0.value is NSNull || holdsDeclaredNull($0.value)) }
        }
        if let array = value as? [Any] { return array.contains(where: holdsDeclaredNull) }
        return false
    }
}
