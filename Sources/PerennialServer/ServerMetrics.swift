import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// The server's metrics, in the Prometheus text format at `GET /metrics`:
///
/// - `perennial_appends_total{kind}` — entries appended (`ballot.cast`, `ballot.spoil`);
/// - `perennial_duplicates_total{kind}` — resubmissions answered with the existing entry;
/// - `perennial_refusals_total{reason}` — refused requests (device, signature, engine reasons…);
/// - `perennial_requests_total{route,status}` and `perennial_request_duration_seconds{route}` (histogram);
/// - `perennial_log_size` — entries in the log;
/// - `perennial_group_commits_total` and `perennial_group_commit_requests_total` — groups of
///   submissions written in one transaction (``GroupCommit``), and the submissions they held.
///
/// Its own registry (never the process-wide `MetricsSystem`), so several servers can run in one process (tests).
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    public func appended(kind: String) {
        Counter(label: "perennial_appends_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    public func duplicate(kind: String) {
        Counter(label: "perennial_duplicates_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    public func refused(reason: String) {
        Counter(label: "perennial_refusals_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    public func request(route: String, status: Int, nanoseconds: Int64) {
        Counter(label: "perennial_requests_total", dimensions: [("route", route), ("status", String(status))], factory: factory).increment()
        Metrics.Timer(label: "perennial_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    public func logSize(_ size: UInt64) {
        Gauge(label: "perennial_log_size", dimensions: [], factory: factory).record(Double(size))
    }

    public func groupCommitted(requests: Int) {
        Counter(label: "perennial_group_commits_total", dimensions: [], factory: factory).increment()
        Counter(label: "perennial_group_commit_requests_total", dimensions: [], factory: factory).increment(by: Int64(requests))
    }

    /// The exposition text.
    public func text() -> String { registry.emitToString() }
}
