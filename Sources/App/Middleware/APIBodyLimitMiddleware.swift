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

    static func isImport(_ route: Route?) -> Bool {
        route?.path.map(\.description) == ["api", "v1", "contacts", "import"]
    }

    static func maximumBytes(for route: Route?, config: AppConfig) -> Int {
        let path = route?.path.map(\.description) ?? []
        if isImport(route) { return config.importMaximumBytes }
        if path.last == "photo" { return max(config.apiMaximumBytes, config.photoRules.maximumBytes + 1) }
        return config.apiMaximumBytes
    }
}

/// In a `PATCH`, a property left out keeps its value and none of ours may be set to `null`: the generated decoder
/// reads `{"name": null}` as "left out" and would answer 200 for a change it did not make. Refused as a bad request.
struct APIPatchNullMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .PATCH, let body = request.body.data,
            let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            object.values.contains(where: { $0 is NSNull })
        {
            throw SwitchboardError.badRequest
        }
        return try await next.respond(to: request)
    }
}
