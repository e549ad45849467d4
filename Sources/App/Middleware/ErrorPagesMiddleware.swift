import FluentKit
import OpenAPIRuntime
import Vapor

/// The one place where errors become responses: a translated page for people, a JSON problem
/// (RFC 9457) with a stable `code` for the API.
struct ErrorPagesMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let failure = Self.classify(error)
            if Self.isPoolTimeout(error) { SwitchboardMetrics.current?.databasePoolTimeout() }
            if failure == .internalError {
                request.logger.report(error: error)
            }
            if request.url.path.hasPrefix("/api/") {
                return try Self.problem(failure, for: request)
            }
            if failure == .notSignedIn {
                let next = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
                return request.redirect(
                    to: Paths.signIn.path + "?next="
                        + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            }
            do {
                return try await request.render(
                    "error", titleKey: "error.title", section: "",
                    ErrorPage(
                        status: Int(failure.status.code), headingKey: failure.headingKey,
                        message: request.message(for: failure)),
                    status: failure.status)
            } catch {
                request.logger.report(error: error)
                return Response(status: failure.status, body: .init(string: request.message(for: failure)))
            }
        }
    }

    /// No database connection came free in time (the pool's wait, possibly wrapped by the generated API server).
    static func isPoolTimeout(_ error: any Error) -> Bool {
        if error is ConnectionPoolTimeoutError { return true }
        if let wrapped = error as? ServerError { return isPoolTimeout(wrapped.underlyingError) }
        return false
    }

    struct ErrorPage: Encodable {
        let status: Int
        let headingKey: String
        let message: String
    }

    struct Problem: Content {
        var type = "about:blank"
        let title: String
        let status: Int
        let code: String
        let field: String?
    }

    static func problem(_ failure: SwitchboardError, for request: Request) throws -> Response {
        let body = Problem(
            title: request.message(for: failure), status: Int(failure.status.code),
            code: failure.code, field: failure.field)
        let response = Response(status: failure.status)
        try response.content.encode(body, as: .json)
        response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json")
        if case .tooManyAttempts(let seconds) = failure {
            response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
        }
        if failure == .busy { response.headers.replaceOrAdd(name: .retryAfter, value: "1") }
        if case .methodNotAllowed(let allowed) = failure {
            response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
        }
        return response
    }

    static func classify(_ error: any Error) -> SwitchboardError {
        switch error {
        case let error as SwitchboardError:
            return error
        case let error as ServerError:
            // The generated API layer wraps what handlers throw, and its own failures to read the request: those come
            // before any input was made. Anything else a handler threw is classified like any error — an unexpected
            // one is an internal error, logged, never a 400 that hides it.
            guard error.operationInput != nil else { return .badRequest }
            return classify(error.underlyingError)
        case is DecodingError:
            return .badRequest
        case let error as any DatabaseError where error.isConstraintFailure:
            // Two requests raced for the same unique value (a short code, a name): the loser is told to try again.
            return .conflict
        case let error as any AbortError:
            switch error.status {
            case .notFound, .methodNotAllowed: return .notFound
            case .unauthorized: return .notSignedIn
            case .forbidden: return .forbidden
            case .payloadTooLarge: return .payloadTooLarge
            case let status where (400..<500).contains(status.code): return .badRequest
            default: return .internalError
            }
        default:
            return .internalError
        }
    }
}
