package dev.lastseen.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a lastseen instance's {@code /metrics} (Prometheus text) from outside, as a scraper would. */
public final class MetricsScrape {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private MetricsScrape() {}

    /** The sum over all series of {@code metric} (every label combination), or NaN when the instance does not answer. */
    public static double sum(String baseUrl, String metric) {
        String text;
        try {
            HttpResponse<String> r = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Double.NaN;
            }
            text = r.body();
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
        return sum(text, metric, null);
    }

    /** As {@link #sum(String, String)}, on a scrape already read; {@code labelPart} (e.g. {@code cause="io"}) filters series. */
    public static double sum(String scrape, String metric, String labelPart) {
        double total = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                if (labelPart != null && !line.contains(labelPart)) {
                    continue;
                }
                String value = line.substring(line.lastIndexOf(' ') + 1);
                total += Double.parseDouble(value);
            }
        }
        return total;
    }
}
