import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// `/metrics` beyond HTTP: what the PBX asked, imports and exports, sign-in failures.
@Suite("Metrics that matter")
struct DomainMetricsTests {
    /// The value of a series on `/metrics` (`name{labels}` as written there), or `nil`.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test("caller-ID lookups (hits and misses), routing decisions, a CSV import and export, sign-in failures")
    func recorded() async throws {
        try await withApp { app in
            // given: a user with an extension, a contact, the PBX's token
            try await app.makeUser("ada", phoneExtension: "201")
            try await app.makeContact("Zoé Martin", ["+33 4 78 00 00 02"])
            let pbx = try await app.makePBXToken()
            var pbxHeaders = HTTPHeaders()
            pbxHeaders.bearerAuthorization = .init(token: pbx)
            let w = try await InterchangeWorld.make(app)

            // when: the PBX asks three times, a file is imported and exported, a password is wrong
            for path in [
                "/api/v1/pbx/lookup?number=0478000002", "/api/v1/pbx/lookup?number=0199999999",
                "/api/v1/pbx/route?callee=201", "/api/v1/pbx/route?callee=299",
            ] {
                _ = try await app.testing().sendRequest(.GET, path, headers: pbxHeaders)
            }
            let csv = Data("First name;Last name;Business phone\nMetric;One;+33 1 40 00 00 01\nMetric;Two;\n;;\n".utf8)
            let imported = try await InterchangeWorld.api(
                app, .POST, "/api/v1/contacts/csv/import?groupIds=\(w.a.id!)&duplicates=keep", token: w.adminToken,
                contentType: "text/csv", body: csv)
            #expect(imported.status == .ok)
            let exported = try await InterchangeWorld.api(
                app, .GET, "/api/v1/contacts/csv?confirm=true", token: w.adminToken)
            #expect(exported.status == .ok)
            let browser = Browser(app)
            _ = try await browser.get(Paths.signIn.path)
            _ = try await browser.post(Paths.signIn.path, ["username": "ada", "password": "not-her-password"])

            // then
            let text = try await app.testing().sendRequest(.GET, Paths.metrics.path).body.string
            #expect(Self.value(text, #"switchboard_callerid_lookups_total{result="hit"}"#) == 1)
            #expect(Self.value(text, #"switchboard_callerid_lookups_total{result="miss"}"#) == 1)
            #expect(Self.value(text, "switchboard_callerid_lookup_duration_seconds_count") == 2)
            #expect(Self.value(text, #"switchboard_routing_decisions_total{decision="ring"}"#) == 1)
            #expect(Self.value(text, #"switchboard_routing_decisions_total{decision="unknown_callee"}"#) == 1)
            #expect(Self.value(text, #"switchboard_import_rows_total{format="csv",outcome="created"}"#) == 2)
            #expect(Self.value(text, #"switchboard_import_rows_total{format="csv",outcome="failed"}"#) == 1)
            #expect(Self.value(text, #"switchboard_import_duration_seconds_count{format="csv"}"#) == 1)
            let contacts = try await InterchangeWorld.count(app)
            #expect(Self.value(text, #"switchboard_export_rows_total{format="csv"}"#) == Double(contacts))
            #expect(Self.value(text, #"switchboard_sign_in_failures_total{reason="wrong"}"#) == 1)
        }
    }

    @Test("the Grafana dashboard asks only for metrics Switchboard writes")
    func dashboard() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dashboard = try String(
            contentsOf: root.appendingPathComponent("deploy/grafana/switchboard.json"), encoding: .utf8)
        let sources = try [
            "Sources/App/Support/SwitchboardMetrics.swift", "Sources/App/Middleware/MetricsMiddleware.swift",
        ].map { try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8) }.joined()
        let used = Set(dashboard.matches(of: /\b((?:switchboard|http)_[a-z_]+)/).map { String($0.1) })
        #expect(used.count >= 12)
        for name in used {
            // A histogram's series and a counter's `_total` come from the name the code gives, with its unit.
            var base = name
            for suffix in ["_bucket", "_count", "_sum", "_total", "_seconds", "_timestamp"] where base.hasSuffix(suffix)
            {
                base = String(base.dropLast(suffix.count))
            }
            for suffix in ["_seconds", "_timestamp"] where base.hasSuffix(suffix) {
                base = String(base.dropLast(suffix.count))
            }
            #expect(sources.contains("\"\(base)\""), "the dashboard asks for \(name), which nothing writes")
        }
    }
}
