package espgw.metrics;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** {@link StatusReport} to and from JSON: the daemon writes it, {@code espgw status} reads it. */
public final class StatusJson {
    // A newer daemon's report may carry fields this espgw status does not know yet: show the rest.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StatusJson() {
    }

    public static byte[] write(StatusReport report) throws IOException {
        return MAPPER.writeValueAsBytes(report);
    }

    public static StatusReport read(String json) throws IOException {
        return MAPPER.readValue(json, StatusReport.class);
    }
}
