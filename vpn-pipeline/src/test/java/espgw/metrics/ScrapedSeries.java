package espgw.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A scrape in the Prometheus text format, read back as series (name and labels as printed) to value. */
public final class ScrapedSeries {
    private final String text;
    private final Map<String, Double> values = new LinkedHashMap<>();

    private ScrapedSeries(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
    }

    public static ScrapedSeries of(GatewayMetrics metrics) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            metrics.scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(out.toString(StandardCharsets.UTF_8));
    }

    /** A scrape as served on {@code /metrics}. */
    public static ScrapedSeries parse(String text) {
        return new ScrapedSeries(text);
    }

    public String text() {
        return text;
    }

    /** The value of a series such as {@code espgw_drops_total{reason="icv"}}, or null if absent. */
    public Double value(String series) {
        return values.get(series);
    }

    /** Every metric name that has at least one sample. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String series : values.keySet()) {
            int brace = series.indexOf('{');
            names.add(brace < 0 ? series : series.substring(0, brace));
        }
        return names;
    }
}
