/**
 * Metrics and the local status endpoint.
 *
 * <p>Handlers never see Micrometer: they count through {@link espgw.drop.DropRecorder} and
 * {@link espgw.metrics.PeerTraffic}, two small interfaces whose implementations here hold
 * counters resolved once (per drop reason at start, per peer when the peer is added), so a packet
 * costs a counter increment and no allocation. {@link espgw.metrics.GatewayMetrics} is the only
 * class that builds meters; SA gauges are registered when an SA is installed and removed when it
 * goes, and read the SA's counters without synchronisation, which is fine for monitoring.
 *
 * <p>{@link espgw.metrics.MetricsServer} serves {@code /metrics}, {@code /health} and
 * {@code /status} (a {@link espgw.metrics.StatusReport} as JSON, read by {@code espgw status}) on
 * 127.0.0.1 only: the status names peers and SPIs, and no key ever appears in either.
 */
package espgw.metrics;
