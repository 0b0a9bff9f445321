package io.gemtrack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The watch's reading of the connection counters; BrokerRestartIT shows a real broker restart moves them so. */
class ConnectionWatchTest {

    /** A cumulative metric the test moves by hand. */
    private static final class Counter implements Metric {
        private final MetricName name;
        double value;

        Counter(String name) {
            this.name = new MetricName(name, ConnectionWatch.GROUP, "", Map.of("client-id", "test"));
        }

        @Override
        public MetricName metricName() {
            return name;
        }

        @Override
        public Object metricValue() {
            return value;
        }
    }

    private final Counter closes = new Counter(ConnectionWatch.CLOSES);
    private final Counter creations = new Counter(ConnectionWatch.CREATIONS);
    private final ConnectionWatch watch = watch(Duration.ZERO);

    private ConnectionWatch watch(Duration checkEvery) {
        return new ConnectionWatch(() -> Map.of(closes.metricName(), closes, creations.metricName(), creations), checkEvery);
    }

    @Test
    void theFirstConnectionsAreNoReconnect() {
        assertThat(watch.reconnected()).isFalse();
        creations.value = 2;
        assertThat(watch.reconnected()).isFalse();
    }

    @Test
    void aCloseAndThenANewConnectionIsOneReconnectOnceConnectedAgain() {
        creations.value = 1;
        assertThat(watch.reconnected()).isFalse();
        closes.value = 1;
        assertThat(watch.reconnected()).as("lost, not yet back").isFalse();
        closes.value = 4;
        assertThat(watch.reconnected()).as("connection attempts refused").isFalse();
        creations.value = 2;
        assertThat(watch.reconnected()).as("back").isTrue();
        assertThat(watch.reconnected()).as("the same reconnect").isFalse();
        creations.value = 3;
        assertThat(watch.reconnected()).as("another connection with no close since the reconnect").isFalse();
    }

    @Test
    void anOutageThatBeganAndEndedBetweenTwoChecksIsAReconnect() {
        creations.value = 1;
        assertThat(watch.reconnected()).isFalse();
        closes.value = 3;
        creations.value = 2;
        assertThat(watch.reconnected()).isTrue();
    }

    @Test
    void metricsAreReadAtMostOncePerInterval() {
        ConnectionWatch hourly = watch(Duration.ofHours(1));
        assertThat(hourly.reconnected()).isFalse();
        closes.value = 1;
        creations.value = 1;
        assertThat(hourly.reconnected()).as("within the interval").isFalse();
    }

    @Test
    void aRealProducerHasTheMetricsItWatches() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaSettings.bootstrap("127.0.0.1:9").producer(Map.of()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThat(new ConnectionWatch(producer::metrics).reconnected()).isFalse();
        }
    }
}
