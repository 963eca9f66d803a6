package espgw.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The daemon's local HTTP endpoint, on 127.0.0.1 only (the status names peers and SPIs):
 * {@code GET /metrics} (Prometheus text), {@code GET /health} (200 {@code ok} or 503),
 * {@code GET /status} ({@link StatusReport} as JSON); anything else is 404, a method other than
 * GET or HEAD 405. One small thread serves the requests, never an event loop.
 */
public final class MetricsServer implements AutoCloseable {
    /** The default port; Prometheus' registry of default ports lists no user of it. */
    public static final int DEFAULT_PORT = 9587;

    private final HttpServer server;
    private final ExecutorService executor;
    private final GatewayMetrics metrics;
    private final BooleanSupplier healthy;
    private final Supplier<StatusReport> status;

    private MetricsServer(HttpServer server, GatewayMetrics metrics, BooleanSupplier healthy,
            Supplier<StatusReport> status) {
        this.server = server;
        this.metrics = metrics;
        this.healthy = healthy;
        this.status = status;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "espgw-metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
    }

    /**
     * Binds 127.0.0.1:{@code port} (0 picks a free port, see {@link #port()}) and starts serving.
     *
     * @param healthy whether {@code /health} answers 200
     * @param status the current report, built on each {@code /status} request
     */
    public static MetricsServer start(int port, GatewayMetrics metrics, BooleanSupplier healthy,
            Supplier<StatusReport> status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        MetricsServer metricsServer = new MetricsServer(server, Objects.requireNonNull(metrics),
                Objects.requireNonNull(healthy), Objects.requireNonNull(status));
        server.start();
        return metricsServer;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "method not allowed\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> sendMetrics(exchange);
                case "/health" -> sendHealth(exchange);
                case "/status" -> send(exchange, 200, "application/json", StatusJson.write(status.get()));
                default -> sendText(exchange, 404, "not found: try /metrics, /health or /status\n");
            }
        }
    }

    private void sendHealth(HttpExchange exchange) throws IOException {
        boolean ok = healthy.getAsBoolean();
        sendText(exchange, ok ? 200 : 503, ok ? "ok\n" : "unhealthy\n");
    }

    private void sendMetrics(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", GatewayMetrics.CONTENT_TYPE);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        // Chunked (length 0): the scrape streams straight into the response without a copy.
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
            metrics.scrape(body);
        }
    }

    private static void sendText(HttpExchange exchange, int code, String text) throws IOException {
        send(exchange, code, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
    }

    /** Stops accepting, gives requests in flight a second to finish, then stops the thread. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
