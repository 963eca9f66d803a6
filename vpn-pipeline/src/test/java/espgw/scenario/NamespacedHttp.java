package espgw.scenario;

import espgw.linux.netns.NetNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;

/**
 * HTTP/1.0 GET to a loopback service inside a lab namespace (the socket is opened there), for the
 * gateway's metrics endpoint and the Prometheus API. Returns status line and body.
 */
final class NamespacedHttp {
    private NamespacedHttp() {
    }

    record Response(int status, String body) {
    }

    static Response get(String ns, int port, String pathAndQuery) throws IOException {
        try (SocketChannel channel = NetNamespace.call(ns, SocketChannel::open)) {
            channel.socket().connect(new InetSocketAddress("127.0.0.1", port), 5000);
            channel.socket().setSoTimeout(10000);
            channel.write(ByteBuffer.wrap(("GET " + pathAndQuery + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            channel.socket().getInputStream().transferTo(response);
            String text = response.toString(StandardCharsets.UTF_8);
            int headerEnd = text.indexOf("\r\n\r\n");
            int status = Integer.parseInt(text.substring(9, 12));
            return new Response(status, headerEnd < 0 ? "" : text.substring(headerEnd + 4));
        }
    }
}
