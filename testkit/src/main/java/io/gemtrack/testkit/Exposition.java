package io.gemtrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of a Prometheus text-format endpoint, parsed back into samples so tests assert on values, not on
 * substrings. Handles the subset client_java writes: comments, label sets with escaped values, and
 * float values including {@code +Inf}/{@code NaN}.
 */
public final class Exposition {

    /** One sample line: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<Sample> samples;
    private final String text;

    private Exposition(String text, List<Sample> samples) {
        this.text = text;
        this.samples = samples;
    }

    public static Exposition scrape(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Scrapes {@code url} until a scrape satisfies {@code ready}, for at most a minute; returns that scrape. */
    public static Exposition awaitScrape(String url, Predicate<Exposition> ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Optional<Exposition> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            Exposition scrape = scrape(url);
            if (ready.test(scrape)) {
                return scrape;
            }
            last = Optional.of(scrape);
            Thread.sleep(100);
        }
        throw new AssertionError("metrics never became ready; last scrape:\n" + last.map(Exposition::text).orElse("none"));
    }

    public static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new IllegalArgumentException("not a Prometheus text-format sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                int end = 0;
                while (label.find() && label.start() == end) {
                    labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
                    end = label.end();
                }
                if (end != sample.group(3).length()) {
                    throw new IllegalArgumentException("malformed label set in: " + line);
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4)
                    .replace("+Inf", "Infinity").replace("-Inf", "-Infinity"))));
        }
        return new Exposition(text, List.copyOf(samples));
    }

    public List<Sample> samples() {
        return samples;
    }

    public String text() {
        return text;
    }

    /** The value of the sample with this name whose labels include {@code labels} (name, value pairs), if one exists. */
    public Optional<Double> value(String name, String... labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && hasLabels(s, labels))
                .map(Sample::value)
                .findFirst();
    }

    /** The sum of the samples with this name over all their label sets, as PromQL's {@code sum(name)}; 0 if there are none. */
    public double sum(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
    }

    private static boolean hasLabels(Sample sample, String... labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
