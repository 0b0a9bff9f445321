package io.gemtrack.aggregator.metrics;

import io.prometheus.metrics.model.snapshots.Unit;

/**
 * A metric whose samples are read from the model at scrape time: its name as client_java wants it (counters
 * without {@code _total}, which the exposition adds), HELP text, unit ({@code null}: none) and label names.
 */
record ModelMetric(String name, String help, Unit unit, boolean counter, String... labelNames) {

    static ModelMetric gauge(String name, String help, Unit unit, String... labelNames) {
        return new ModelMetric(name, help, unit, false, labelNames);
    }

    static ModelMetric counter(String name, String help, String... labelNames) {
        return new ModelMetric(name, help, null, true, labelNames);
    }
}
