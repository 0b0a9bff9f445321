package io.gemtrack.aggregator.metrics;

import io.gemtrack.testkit.Exposition;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** What {@code /metrics} would answer for a registry, without the HTTP server. */
final class Scrape {

    private Scrape() {
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
