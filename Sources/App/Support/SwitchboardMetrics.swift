import Foundation
import Prometheus

/// The figures an operator watches besides HTTP (`/metrics`, dashboard in deploy/grafana): caller-ID lookups and
/// routing decisions, imports and exports, linked-group synchronisation, directory downloads, sign-in failures, the
/// database pool, LDAP searches. The application's registry reaches the services through a task-local value set at
/// each edge (`MetricsMiddleware` for requests, the scheduler, the LDAP server): services record without being
/// handed a registry, and work outside those edges (console commands, tests of a service alone) records nothing.
struct SwitchboardMetrics: Sendable {
    @TaskLocal static var current: SwitchboardMetrics?

    let registry: PrometheusCollectorRegistry

    static let fastBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1),
    ]
    static let slowBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60),
        .seconds(120), .seconds(300), .seconds(600),
    ]

    private func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
        registry.makeCounter(descriptor: .init(metricName: name, unitName: "total", helpText: help), labels: labels)
    }

    private func histogram(_ name: String, _ help: String, _ labels: [(String, String)], _ buckets: [Duration])
        -> DurationHistogram
    {
        registry.makeDurationHistogram(
            descriptor: .init(metricName: name, unitName: "seconds", helpText: help), labels: labels, buckets: buckets)
    }

    /// A caller-ID lookup (`/api/v1/pbx/lookup`): found a contact or not.
    func callerIDLookup(found: Bool, elapsed: Duration) {
        counter(
            "switchboard_callerid_lookups", "Caller-ID lookups by result", [("result", found ? "hit" : "miss")]
        ).increment()
        histogram("switchboard_callerid_lookup_duration", "Caller-ID lookup latency", [], Self.fastBuckets)
            .record(elapsed)
    }

    /// A routing decision (`/api/v1/pbx/route`): where the call goes (`extension`, `forward`, …).
    func routingDecision(_ decision: String, elapsed: Duration) {
        counter("switchboard_routing_decisions", "Routing decisions by outcome", [("decision", decision)]).increment()
        histogram("switchboard_routing_decision_duration", "Routing decision latency", [], Self.fastBuckets)
            .record(elapsed)
    }

    /// An import (`csv` or `vcard`) done: its rows by outcome and how long it took.
    func imported(format: String, outcomes: [String: Int], elapsed: Duration) {
        for (outcome, rows) in outcomes where rows > 0 {
            counter(
                "switchboard_import_rows", "Rows imported by format and outcome",
                [("format", format), ("outcome", outcome)]
            ).increment(by: Int64(rows))
        }
        histogram("switchboard_import_duration", "Import duration", [("format", format)], Self.slowBuckets)
            .record(elapsed)
    }

    /// An export (`csv` or `vcard`) of `rows` contacts, written out in `elapsed`.
    func exported(format: String, rows: Int, elapsed: Duration) {
        counter("switchboard_export_rows", "Contacts exported by format", [("format", format)])
            .increment(by: Int64(rows))
        histogram("switchboard_export_duration", "Export duration", [("format", format)], Self.slowBuckets)
            .record(elapsed)
    }

    /// A linked group's synchronisation (the group's id as label: at most `SWITCHBOARD_MAX_LINKED_GROUPS` of them).
    func linkedSync(group: UUID, succeeded: Bool, elapsed: Duration, at date: Date = Date()) {
        let label = [("group", group.uuidString.lowercased())]
        histogram("switchboard_linked_sync_duration", "Linked group synchronisation duration", label, Self.slowBuckets)
            .record(elapsed)
        if succeeded {
            registry.makeGauge(
                descriptor: .init(
                    metricName: "switchboard_linked_sync_last_success", unitName: "timestamp_seconds",
                    helpText: "When the linked group last synchronised without error (Unix time)"),
                labels: label
            ).set(date.timeIntervalSince1970)
        } else {
            counter("switchboard_linked_sync_failures", "Failed linked group synchronisations", label).increment()
        }
    }

    /// A desk phone's directory file served (`format`: the file's, as in its URL).
    func directoryDownload(format: String) {
        counter("switchboard_directory_downloads", "Desk-phone directory files served", [("format", format)])
            .increment()
    }

    /// A sign-in refused: `wrong` credentials or `throttled`.
    func signInFailure(_ reason: String) {
        counter("switchboard_sign_in_failures", "Sign-in attempts refused", [("reason", reason)]).increment()
    }

    /// A request that waited for a database connection until the pool gave up.
    func databasePoolTimeout() {
        counter("switchboard_database_pool_timeouts", "Requests that found no free database connection in time")
            .increment()
    }

    /// An LDAP search answered (`result`: the LDAP result name) with `entries` entries.
    func ldapSearch(result: String, entries: Int, elapsed: Duration) {
        counter("switchboard_ldap_searches", "LDAP searches by result", [("result", result)]).increment()
        counter("switchboard_ldap_entries", "LDAP entries returned").increment(by: Int64(entries))
        histogram("switchboard_ldap_search_duration", "LDAP search latency", [], Self.fastBuckets).record(elapsed)
    }

    /// An LDAP search's answer: from the answers kept (`memory`) or searched now (`database`).
    func ldapAnswer(fromMemory: Bool) {
        counter(
            "switchboard_ldap_answers", "LDAP search answers by source: kept in memory, or searched in the database",
            [("source", fromMemory ? "memory" : "database")]
        ).increment()
    }

    /// An LDAP bind: `success` or the refusal's result name.
    func ldapBind(result: String) {
        counter("switchboard_ldap_binds", "LDAP binds by result", [("result", result)]).increment()
    }
}

/// Times an export streamed batch by batch, from its first batch to its end, and records it once.
struct ExportMeter: Sendable {
    let format: String
    /// Taken where the export was asked for (the request's task); the body is written later.
    let metrics = SwitchboardMetrics.current
    private var start: ContinuousClock.Instant?
    private var rows = 0
    private var recorded = false

    init(format: String) { self.format = format }

    mutating func batch(_ count: Int) {
        if start == nil { start = .now }
        rows += count
    }

    mutating func finished() {
        guard !recorded, let metrics else { return }
        recorded = true
        metrics.exported(format: format, rows: rows, elapsed: ContinuousClock.now - (start ?? .now))
    }
}
