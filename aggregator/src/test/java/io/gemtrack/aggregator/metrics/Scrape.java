package io.gemtrack.aggregator.metrics;

import io.gemtrack.testkit.Exposition;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** What {@code /metrics} would answer for a registry, without the HTTP server. */
final class Scrape {

    private Scrape() {
    }

    /** What {@code /metrics} would answer for a collector of just {@code metrics}, whose samples {@code report} adds. */
    static Exposition of(List<ModelMetric> metrics, Consumer<ScrapeSamples> report) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(() -> {
            ScrapeSamples samples = new ScrapeSamples(metrics);
            report.accept(samples);
            return samples.snapshots();
        });
        return of(registry);
    }

    static Exposition of(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Exposition.parse(out.toString(StandardCharsets.UTF_8));
    }
}
