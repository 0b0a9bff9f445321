package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomPostMortems;
import io.gemtrack.producer.sim.FleetSimulation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A simulated fleet's events published to a real broker in chunks a few milliseconds apart, so that the records'
 * timestamps tell many instants apart, and read back as the broker keeps them: what a host as of an instant is
 * compared with, folded from scratch without an aggregator.
 */
public final class RecordedStream {

    /** A record as the broker keeps it. */
    public record Stored(int partition, long offset, long timestamp, String key, Event event) {
    }

    private final List<Event> events;
    private final List<Stored> stored;

    private RecordedStream(List<Event> events, List<Stored> stored) {
        this.events = events;
        this.stored = stored;
    }

    /** At least {@code count} events of {@code fleet} published to {@code topic}, of {@code partitions}, and read back. */
    public static RecordedStream record(KafkaSettings settings, String topic, int partitions, FleetSimulation fleet, int count)
            throws Exception {
        List<Event> events = new ArrayList<>();
        while (events.size() < count) {
            events.addAll(fleet.step());
        }
        try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(partitions))) {
            for (int from = 0; from < events.size(); from += 50) {
                events.subList(from, Math.min(events.size(), from + 50)).forEach(publisher::publish);
                publisher.flushExpectingNoFailure();
                Thread.sleep(5);
            }
        }
        return new RecordedStream(events, readBack(settings, topic, partitions, events.size()));
    }

    /** {@code events}, already published to {@code topic}, of {@code partitions}, read back. */
    public static RecordedStream published(KafkaSettings settings, String topic, int partitions, List<Event> events) throws Exception {
        return new RecordedStream(events, readBack(settings, topic, partitions, events.size()));
    }

    public List<Event> events() {
        return events;
    }

    public List<Stored> stored() {
        return stored;
    }

    public long firstTimestamp() {
        return stored.stream().mapToLong(Stored::timestamp).min().orElseThrow();
    }

    public long lastTimestamp() {
        return stored.stream().mapToLong(Stored::timestamp).max().orElseThrow();
    }

    /** The from-scratch fold: the host's events in the records before the first one of its partition stamped at or after {@code at}. */
    public HostModel foldBefore(String host, long at) {
        HostModel model = new HostModel(host);
        recordsBefore(host, at).forEach(record -> OomPostMortems.apply(model, record.event(), record.timestamp()));
        return model;
    }

    /** The host's records before the first one of its partition stamped at or after {@code at}. */
    public List<Stored> recordsBefore(String host, long at) {
        int partition = partitionOf(host);
        long through = stored.stream().filter(record -> record.partition() == partition && record.timestamp() >= at)
                .mapToLong(Stored::offset).min().orElse(Long.MAX_VALUE);
        return stored.stream().filter(record -> record.partition() == partition && record.offset() < through && record.key().equals(host))
                .toList();
    }

    /** The timestamp of the first record of the host's partition. */
    public long oldestOfPartition(String host) {
        int partition = partitionOf(host);
        return stored.stream().filter(record -> record.partition() == partition).findFirst().orElseThrow().timestamp();
    }

    private int partitionOf(String host) {
        return stored.stream().filter(record -> record.key().equals(host)).findFirst().orElseThrow().partition();
    }

    private static List<Stored> readBack(KafkaSettings settings, String topic, int partitions, int count) throws Exception {
        Map<String, Object> config = settings.consumer(Map.of());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        EventCodec codec = new EventCodec();
        List<Stored> stored = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> all = IntStream.range(0, partitions).mapToObj(partition -> new TopicPartition(topic, partition)).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (stored.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    stored.add(new Stored(record.partition(), record.offset(), record.timestamp(),
                            new String(record.key(), StandardCharsets.UTF_8), codec.decode(record.value())));
                }
            }
        }
        assertThat(stored).hasSize(count);
        return stored;
    }
}
