import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Operations: health, metrics, headers, API document")
struct OperationsTests {
    @Test("GET /healthz reports a reachable database")
    func health() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(response.status == .ok)
            #expect(response.body.string.contains(#""database":"ok""#))
        }
    }

    @Test("GET /livez answers that the process is up, never cached")
    func live() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, "/livez")
            #expect(response.status == .ok)
            #expect(response.body.string == #"{"status":"ok"}"#)
            #expect(response.headers.contentType == .json)
            #expect(response.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test("GET /metrics counts requests by route pattern")
    func metrics() async throws {
        try await withApp { app in
            _ = try await app.testing().sendRequest(.GET, "/healthz")
            _ = try await app.testing().sendRequest(.GET, "/no/such/page")
            let response = try await app.testing().sendRequest(.GET, "/metrics")
            let text = response.body.string
            #expect(text.contains(#"http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
            #expect(text.contains(#"route="unmatched",status="404""#))
            #expect(text.contains("http_request_duration_seconds_bucket"))
        }
    }

    @Test("pages carry a Content-Security-Policy without inline script, and other security headers")
    func securityHeaders() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, Paths.signIn.path)
            let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("script-src 'self'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(!response.body.string.contains("<script>"))
            #expect(!response.body.string.contains("style=\""))
        }
    }

    @Test("an unknown page is a translated 404 page")
    func notFound() async throws {
        try await withApp { app in
            var headers = HTTPHeaders()
            headers.add(name: .acceptLanguage, value: "fr")
            let response = try await app.testing().sendRequest(.GET, "/nowhere", headers: headers)
            #expect(response.status == .notFound)
            #expect(response.body.string.contains("Cette page ou cet élément n’existe pas."))
        }
    }

    @Test("the OpenAPI document is served")
    func openAPIDocument() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, "/api/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.body.string.hasPrefix("openapi: 3.1.0"))
            #expect(response.body.string.contains("/api/v1/me/tokens"))
        }
    }
}
