import Vapor

/// Reads an upload's body up to `maximumBytes` before the CSRF check would read it at its smaller limit,
/// and sends a larger one back to `page` with a message naming the limit, instead of a bare 413.
struct UploadLimitMiddleware: AsyncMiddleware {
    /// The largest body, file and form fields together.
    let maximumBytes: Int
    /// The refusal to show, naming the limit people know (the file's).
    let error: SwitchboardError
    /// Where the message is shown.
    let page: String

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST else { return try await next.respond(to: request) }
        do {
            if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > maximumBytes {
                throw Abort(.payloadTooLarge)
            }
            if let body = request.body.data {
                guard body.readableBytes <= maximumBytes else { throw Abort(.payloadTooLarge) }
            } else {
                _ = try await request.body.collect(max: maximumBytes).get()
            }
        } catch let abort as any AbortError where abort.status == .payloadTooLarge {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: request)
            return request.redirect(to: page)
        }
        return try await next.respond(to: request)
    }
}
