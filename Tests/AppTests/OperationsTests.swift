import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Operations: health, metrics, headers, API document")
struct OperationsTests {
    @Test("times are shown in the office's time zone and the reader's language, with the instant for the browser")
    func localTimes() async throws {
        try await withApp { app in
            app.config.timeZone = try #require(TimeZone(identifier: "Pacific/Kiritimati"))  // UTC+14
            _ = try await app.givenAdmin()
            let instant = try #require(ISO8601DateFormatter().date(from: "2026-12-04T22:00:00Z"))
            try await AuditEventModel(
                occurredAt: instant, actorID: nil, actorName: "someone", action: "user.created", target: "x",
                detail: nil, clientAddress: nil
            ).create(on: app.db)
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            let english = try await browser.get(Paths.audit.path).body.string
            #expect(english.contains("<time datetime=\"2026-12-04T22:00:00Z\">5 Dec 2026"))
            #expect(english.contains("12:00</time>") && !english.contains("UTC"))
            browser.acceptLanguage = "fr-FR"
            let french = try await browser.get(Paths.audit.path).body.string
            #expect(french.contains("<time datetime=\"2026-12-04T22:00:00Z\">5 déc. 2026"))
        }
        #expect(
            try AppConfig.fromEnvironment(["SWITCHBOARD_TIME_ZONE": "Europe/Paris"]).timeZone.identifier
                == "Europe/Paris")
        #expect(throws: (any Error).self) { try AppConfig.fromEnvironment(["SWITCHBOARD_TIME_ZONE": "Mars/Olympus"]) }
    }

    @Test("GET /healthz reports a reachable database")
    func health() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(response.status == .ok)
            #expect(response.body.string.contains(#""database":"ok""#))
        }
    }

    @Test("on PostgreSQL the role runs without JIT compilation once migrated (40 ms to compile a 17 ms page query)")
    func postgresWithoutJIT() async throws {
        try await withApp { app in
            guard (app.db as? any SQLDatabase)?.dialect.name == "postgresql" else { return }
            // Another start on the migrated database: every connection it opens runs without JIT, on every loop.
            try await withApp(revert: false) { again in
                for loop in again.eventLoopGroup.makeIterator() {
                    let db = try #require(again.databases.database(logger: again.logger, on: loop) as? any SQLDatabase)
                    let row = try #require(try await db.raw("SHOW jit").first())
                    #expect(try row.decode(column: "jit", as: String.self) == "off")
                }
            }
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
