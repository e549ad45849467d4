import Foundation
import NIOConcurrencyHelpers
import Vapor

/// An OAuth 2.0 authorization server and a resource server on one 127.0.0.1 port, in front of a
/// real Radicale, the way Google puts OAuth in front of its CardDAV: `POST /oauth/token` exchanges
/// refresh tokens for access tokens (RFC 6749 §6, answers as in §5.1 and §5.2); every other request
/// must carry `Authorization: Bearer` with a token it issued and not yet expired, is recorded, and
/// is passed on to Radicale with Radicale's own Basic credentials.
final class OAuthGateway: Sendable {
    struct State {
        var clientID = "switchboard-client"
        var clientSecret = "client-secret-1"
        /// Refresh tokens it accepts.
        var refreshTokens: Set<String> = ["refresh-1"]
        /// Access tokens it issued and still accepts, with their expiry.
        var accessTokens: [String: Date] = [:]
        var expiresIn: Int? = 3600
        /// Each exchange issues a new refresh token and forgets the one used.
        var rotates = false
        /// The token requests received: their form fields, plus `content-type`.
        var tokenRequests: [[String: String]] = []
        /// The `Authorization` header of every CardDAV request received ("" when absent).
        var davAuthorizations: [String] = []
        var issued = 0
    }

    static let refreshToken = "refresh-1"
    let app: Application
    var port: Int { app.listeningPort }
    let radicale: Radicale
    let state = NIOLockedValueBox(State())

    var tokenURL: String { "http://127.0.0.1:\(port)/oauth/token" }
    func bookURL(_ name: String = "book") -> String { "http://127.0.0.1:\(port)/\(radicale.user)/\(name)/" }

    var clientID: String { state.withLockedValue { $0.clientID } }
    var clientSecret: String { state.withLockedValue { $0.clientSecret } }

    private init(app: Application, radicale: Radicale) {
        self.app = app
        self.radicale = radicale
    }

    static func start(before radicale: Radicale) async throws -> OAuthGateway {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let gateway = OAuthGateway(app: app, radicale: radicale)
        app.middleware.use(Forward(gateway: gateway))
        app.post("oauth", "token") { req in try gateway.token(req) }
        try await app.startOnFreePort()
        return gateway
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }

    // MARK: token endpoint

    private func token(_ req: Request) throws -> Response {
        var form = (try? req.content.decode([String: String].self)) ?? [:]
        form["content-type"] = req.headers.first(name: .contentType) ?? ""
        let answer: (HTTPStatus, [String: String]) = state.withLockedValue { state in
            state.tokenRequests.append(form)
            guard form["client_id"] == state.clientID, form["client_secret"] == state.clientSecret else {
                return (.unauthorized, ["error": "invalid_client"])
            }
            guard form["grant_type"] == "refresh_token" else {
                return (.badRequest, ["error": "unsupported_grant_type"])
            }
            guard let refresh = form["refresh_token"], state.refreshTokens.contains(refresh) else {
                return (
                    .badRequest, ["error": "invalid_grant", "error_description": "Token has been expired or revoked."]
                )
            }
            state.issued += 1
            let access = "access-\(state.issued)"
            state.accessTokens[access] = Date().addingTimeInterval(Double(state.expiresIn ?? 3600))
            var body = ["access_token": access, "token_type": "Bearer"]
            if let expiresIn = state.expiresIn { body["expires_in"] = String(expiresIn) }
            if state.rotates {
                state.refreshTokens.remove(refresh)
                let next = "refresh-\(state.issued + 1)"
                state.refreshTokens.insert(next)
                body["refresh_token"] = next
            }
            return (.ok, body)
        }
        // expires_in is a number in JSON (RFC 6749 §5.1).
        let json = answer.1.map { key, value in
            "\"\(key)\":" + (key == "expires_in" ? value : "\"\(value)\"")
        }.joined(separator: ",")
        return Response(
            status: answer.0, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
            body: .init(string: "{\(json)}"))
    }

    // MARK: resource server

    private struct Forward: AsyncMiddleware {
        let gateway: OAuthGateway

        func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            guard req.url.path != "/oauth/token" else { return try await next.respond(to: req) }
            return try await gateway.forward(req)
        }
    }

    private func forward(_ req: Request) async throws -> Response {
        let authorization = req.headers.first(name: .authorization) ?? ""
        let accepted = state.withLockedValue { state in
            state.davAuthorizations.append(authorization)
            guard authorization.hasPrefix("Bearer "),
                let expiry = state.accessTokens[String(authorization.dropFirst(7))]
            else { return false }
            return expiry > Date()
        }
        guard accepted else {
            return Response(status: .unauthorized, headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        let body = try await req.body.collect(max: 100_000_000).get()
        var headers: HTTPHeaders = ["Connection": "close"]
        headers.basicAuthorization = .init(username: radicale.user, password: radicale.password)
        for name in ["Content-Type", "Depth"] {
            if let value = req.headers.first(name: name) { headers.add(name: name, value: value) }
        }
        let answer = try await req.client.send(
            req.method, headers: headers, to: URI(string: radicale.origin + req.url.string)
        ) { $0.body = body }
        var answerHeaders = HTTPHeaders()
        for name in ["Content-Type", "ETag"] {
            if let value = answer.headers.first(name: name) { answerHeaders.add(name: name, value: value) }
        }
        return Response(
            status: answer.status, headers: answerHeaders, body: answer.body.map { .init(buffer: $0) } ?? .empty)
    }
}
