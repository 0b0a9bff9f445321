package io.gemtrack.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Tells when a Kafka client's connection to the brokers was lost and has come back, from the client's own cumulative
 * connection metrics: a connection was closed (a broker went away, a connection attempt was refused, an idle one
 * was dropped) and a new one was made since. Sends do not fail while the brokers are away (they are retried until
 * the delivery timeout), so the metrics are what shows the outage.
 *
 * <p>Reading the metrics takes their locks, which the client's network thread also takes: they are read at most
 * once per {@link #DEFAULT_CHECK_EVERY}, however often a busy loop asks.
 */
public final class ConnectionWatch {

    static final Duration DEFAULT_CHECK_EVERY = Duration.ofMillis(100);
    static final String GROUP = "producer-metrics";
    static final String CLOSES = "connection-close-total";
    static final String CREATIONS = "connection-creation-total";

    private final Metric closes;
    private final Metric creations;
    private final long checkEveryNanos;
    private long lastCheck;
    private boolean checkedOnce;
    private double closesAtLastReconnect;
    private double creationsSeen;

    /** @param metrics the producer's metrics, e.g. {@code producer::metrics} */
    public ConnectionWatch(Supplier<Map<MetricName, ? extends Metric>> metrics) {
        this(metrics, DEFAULT_CHECK_EVERY);
    }

    ConnectionWatch(Supplier<Map<MetricName, ? extends Metric>> metrics, Duration checkEvery) {
        Map<MetricName, ? extends Metric> all = metrics.get();
        this.closes = find(all, CLOSES);
        this.creations = find(all, CREATIONS);
        this.checkEveryNanos = checkEvery.toNanos();
    }

    /**
     * Whether, since the previous call that answered yes, a connection was closed and a new one has been made after
     * the previous check: once per outage, as soon as the client is connected again. Connections made with none
     * closed before (the first ones) are no reconnect.
     */
    public synchronized boolean reconnected() {
        long now = System.nanoTime();
        if (checkedOnce && now - lastCheck < checkEveryNanos) {
            return false;
        }
        checkedOnce = true;
        lastCheck = now;
        double closed = value(closes);
        double created = value(creations);
        boolean connectedAnew = created > creationsSeen;
        creationsSeen = created;
        if (connectedAnew && closed > closesAtLastReconnect) {
            closesAtLastReconnect = closed;
            return true;
        }
        return false;
    }

    private static Metric find(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(metric -> metric.getKey().group().equals(GROUP) && metric.getKey().name().equals(name))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException("the Kafka producer has no metric " + GROUP + "/" + name));
    }

    private static double value(Metric metric) {
        return ((Number) metric.metricValue()).doubleValue();
    }
}
