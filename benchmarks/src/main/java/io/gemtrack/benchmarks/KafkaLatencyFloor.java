package io.gemtrack.benchmarks;

import io.gemtrack.kafka.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A bare {@link KafkaConsumer} in a group of its own, reading the records the aggregator reads at the same time and
 * doing nothing with them: the latency the broker and client alone give on this machine, which no consumer beats.
 * Records whose key starts with {@code skipPrefix} (a warm-up) are counted but not measured.
 */
final class KafkaLatencyFloor implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final String skipPrefix;
    private final Histogram latency = new Histogram(TimeUnit.MINUTES.toMillis(5), 3);
    private final AtomicLong seen = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    KafkaLatencyFloor(KafkaSettings kafka, String topic, String skipPrefix) {
        Map<String, Object> config = kafka.consumer(Map.of());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, topic + ".latency-floor-" + UUID.randomUUID());
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.skipPrefix = skipPrefix;
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::consume, "bench-latency-floor");
        thread.start();
    }

    private void consume() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (!record.key().startsWith(skipPrefix)) {
                        long millis = Math.max(0, System.currentTimeMillis() - record.timestamp());
                        synchronized (latency) {
                            latency.recordValue(millis);
                        }
                    }
                    seen.incrementAndGet();
                }
            }
        } catch (WakeupException e) {
            // close() asked to stop.
        } finally {
            consumer.close();
        }
    }

    /** Records read so far, warm-up included. */
    long seen() {
        return seen.get();
    }

    long percentile(double percentile) {
        synchronized (latency) {
            return latency.getValueAtPercentile(percentile);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join();
    }
}
