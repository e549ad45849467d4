import SwitchboardCore
import Vapor

/// Where each request comes from (`ClientOrigin`): the connection's address, or behind a trusted reverse proxy the
/// client's, from `X-Forwarded-For`; over HTTPS or not. Outermost, so every route, middleware and service reads the
/// same answer through `Request.clientAddress` and `Request.isHTTPS` — never the headers themselves. Over HTTPS every
/// cookie a response sets is `Secure`, whichever part of the application set it.
struct ClientOriginMiddleware: AsyncMiddleware {
    let trusted: AddressRanges
    /// `SWITCHBOARD_SECURE_COOKIES`: the server is reached over HTTPS whatever the headers say.
    let alwaysHTTPS: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var origin = ClientOrigin.resolve(
            peer: request.remoteAddress?.ipAddress, forwardedFor: request.headers[.xForwardedFor],
            forwardedProto: request.headers.first(name: "X-Forwarded-Proto"), trusted: trusted)
        origin.isHTTPS = origin.isHTTPS || alwaysHTTPS
        request.storage[ClientOriginKey.self] = origin
        let response = try await next.respond(to: request)
        if origin.isHTTPS {
            // On the headers as written: parsing and writing them again would drop attributes Vapor does not know.
            let cookies = response.headers[.setCookie]
            if cookies.contains(where: { !Self.isSecure($0) }) {
                response.headers.remove(name: .setCookie)
                for cookie in cookies {
                    response.headers.add(name: .setCookie, value: Self.isSecure(cookie) ? cookie : cookie + "; Secure")
                }
            }
        }
        return response
    }
}

extension ClientOriginMiddleware {
    static func isSecure(_ setCookie: String) -> Bool {
        setCookie.split(separator: ";").dropFirst().contains {
            $0.trimmingCharacters(in: .whitespaces).lowercased() == "secure"
        }
    }
}

private enum ClientOriginKey: StorageKey {
    typealias Value = ClientOrigin
}

extension Request {
    /// The client's address (see `ClientOriginMiddleware`).
    var clientAddress: String? {
        storage[ClientOriginKey.self]?.address ?? remoteAddress?.ipAddress
    }

    /// Whether the client reached Switchboard over HTTPS (directly, or through a trusted proxy that says so).
    var isHTTPS: Bool { storage[ClientOriginKey.self]?.isHTTPS ?? application.config.secureCookies }
}
