import Prometheus
import Vapor

/// Counts requests and measures their latency per route pattern (`/admin/users/:userID`, never the
/// raw path, so the number of series stays bounded).
struct MetricsMiddleware: AsyncMiddleware {
    let registry: PrometheusCollectorRegistry

    private static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5),
    ]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        var status: HTTPResponseStatus = .internalServerError
        defer { record(request, status: status, elapsed: ContinuousClock.now - start) }
        let response = try await SwitchboardMetrics.$current.withValue(SwitchboardMetrics(registry: registry)) {
            try await next.respond(to: request)
        }
        status = response.status
        return response
    }

    private func record(_ request: Request, status: HTTPResponseStatus, elapsed: Duration) {
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let method = request.method.rawValue
        registry.makeCounter(
            descriptor: .init(
                metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route and status"),
            labels: [("method", method), ("route", route), ("status", String(status.code))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                metricName: "http_request_duration", unitName: "seconds",
                helpText: "HTTP request latency by route"),
            labels: [("method", method), ("route", route)],
            buckets: Self.buckets
        ).record(elapsed)
    }
}
