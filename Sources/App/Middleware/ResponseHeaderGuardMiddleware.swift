import Vapor

/// The last word on every response's headers: a name or value holding a CR, LF or NUL — which would let a request
/// write headers of its own (`Set-Cookie` through a redirect target, a file name) — is never sent. The response is
/// replaced by an internal error and the offending header is logged by name. Values built from requests are checked
/// where they are made (`RequestTarget`); this is the net that holds when one is missed.
struct ResponseHeaderGuardMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let unsafe = response.headers.first(where: { !Self.isSafe($0.name) || !Self.isSafe($0.value) }) {
            request.logger.error(
                "Refused to send a response header holding a control character",
                metadata: [
                    "header": .string(unsafe.name.filter { !$0.isNewline })
                ])
            throw SwitchboardError.internalError
        }
        return response
    }

    static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
