package espgw.cli;

import espgw.metrics.MetricsServer;
import espgw.metrics.StatusJson;
import espgw.metrics.StatusReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code espgw status}: asks the running daemon for its {@code /status} on loopback and prints it
 * the way {@code wg show} does (peers, endpoints, SAs, last traffic, drops), or the JSON as is.
 */
@Command(name = "status",
        description = "Show the running daemon's peers, SAs, traffic and drops.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", defaultValue = "" + MetricsServer.DEFAULT_PORT,
            description = "Port of the daemon's metrics/status endpoint on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--json", description = "Print the daemon's JSON verbatim.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String body = fetch();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body);
        } else {
            out.print(StatusView.render(StatusJson.read(body)));
        }
        out.flush();
        return 0;
    }

    private String fetch() throws IOException, InterruptedException {
        String where = "127.0.0.1:" + port;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + where + "/status"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new OperatorException("no espgw daemon answers on " + where
                    + " — is it running? (espgw up)", OperatorErrorHandler.EXIT_FAILURE);
        }
        if (response.statusCode() != 200) {
            throw new OperatorException("the daemon on " + where + " answered /status with HTTP "
                    + response.statusCode(), OperatorErrorHandler.EXIT_FAILURE);
        }
        return response.body();
    }
}
