package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.kafka.EventConsumer;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.MalformedEventException.Kind;
import io.gemtrack.events.MalformedRecords;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import io.gemtrack.testkit.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults in the stream itself, delivered through a real broker to a running aggregator: batches sent twice, events
 * of a host out of order, a run of lost events, and poison records of every kind. In each case the aggregator must
 * hold exactly what a from-scratch fold of the records as delivered gives (by canonical dump), and once each host's
 * next {@code HostSnapshot} has arrived, exactly the state of the clean stream.
 *
 * <p>What the model does with each fault (SEMANTICS.md §8): a {@code seq} already applied is a duplicate, ignored
 * and counted. An event ahead of the next expected {@code seq} is a gap: the host is unsynchronised and its events
 * are skipped (counted) until a snapshot replaces its state. So a swapped pair {@code k+1, k} is a gap at
 * {@code k+1} and then a duplicate {@code k}, and the host resynchronises at its next snapshot.
 */
@ExtendWith(KafkaExtension.class)
class StreamFaultsIT {

    private static final int HOSTS = 4;
    private static final int PARTITIONS = 4;
    private static final long SNAPSHOT_EVERY = 250;
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    @Test
    void batchesSentTwiceAndEventsOutOfOrderAreIgnoredOrResynchronisedAndEndAsTheCleanStream(TestKafka kafka) throws Exception {
        List<Event> clean = FleetStream.events(HOSTS, 11, SNAPSHOT_EVERY, 3_000);
        Map<String, Integer> lastSnapshot = lastSnapshotIndexOfEachHost(clean);
        String reordered = "host-1";
        List<Event> delivered = new ArrayList<>();
        long duplicatesSent = 0;
        Event held = null;
        for (int i = 0; i < clean.size(); i++) {
            Event event = clean.get(i);
            boolean swappable = event.host().equals(reordered) && !(event.body() instanceof HostSnapshot)
                    && i < lastSnapshot.get(reordered) - 10;
            if (held == null && swappable && i % 97 == 0) {
                held = event;
                continue;
            }
            delivered.add(event);
            if (held != null && event.host().equals(reordered)) {
                // The held event arrives right after its successor: a gap, then a duplicate.
                delivered.add(held);
                duplicatesSent++;
                held = null;
            }
            if (i % 500 == 499 && held == null) {
                // A batch sent again, as a producer retry without idempotence would.
                delivered.addAll(clean.subList(i - 29, i + 1));
                duplicatesSent += 30;
            }
        }
        assertThat(held).as("every held event was delivered").isNull();
        assertThat(duplicatesSent).as("duplicates sent").isGreaterThan(100);

        try (Aggregator aggregator = new Aggregator(config(kafka, "faults-reorder.events"))) {
            FromScratchFold fold = publishAndAwait(kafka, "faults-reorder.events", delivered, aggregator);

            Exposition metrics = Exposition.scrape(new AggregatorEndpoint(aggregator.httpPort()).metricsUrl());
            assertThat(metrics.value("gemtrack_events_duplicate_total")).as("duplicates counted")
                    .hasValue((double) duplicatesSent).hasValue((double) fold.count(ApplyResult.Duplicate.class));
            assertThat(metrics.value("gemtrack_events_skipped_total")).as("events skipped while %s waited for a snapshot", reordered)
                    .hasValue((double) fold.count(ApplyResult.Skipped.class));
            assertThat(fold.count(ApplyResult.Skipped.class)).as("events skipped after the swaps").isPositive();
            fold.assertHeldBy(new AggregatorEndpoint(aggregator.httpPort()), fold.hosts());
            fold.assertSameStateAs(FromScratchFold.of(clean));
        }
    }

    @Test
    void lostEventsUnsynchroniseTheHostUntilItsNextSnapshotArrivesThroughKafka(TestKafka kafka) throws Exception {
        List<Event> clean = FleetStream.events(HOSTS, 12, SNAPSHOT_EVERY, 3_000);
        String gapped = "host-2";
        List<Integer> ofHost = new ArrayList<>();
        for (int i = 0; i < clean.size(); i++) {
            if (clean.get(i).host().equals(gapped)) {
                ofHost.add(i);
            }
        }
        // Ten of the host's events, none a snapshot, lost some way before one of its snapshots.
        int firstLost = firstRunWithoutSnapshot(clean, ofHost, ofHost.size() / 3, 10);
        List<Integer> lost = ofHost.subList(firstLost, firstLost + 10);
        int resync = ofHost.subList(firstLost + 10, ofHost.size()).stream()
                .filter(i -> clean.get(i).body() instanceof HostSnapshot).findFirst().orElseThrow();
        List<Event> beforeResync = new ArrayList<>();
        for (int i = 0; i < resync; i++) {
            if (!lost.contains(i)) {
                beforeResync.add(clean.get(i));
            }
        }
        List<Event> fromResync = clean.subList(resync, clean.size());
        // The first event after the lost run reveals the gap; it and every later one up to the snapshot are skipped.
        long skippedUntilResync = ofHost.stream().filter(i -> i > lost.get(lost.size() - 1) && i < resync).count();

        String topic = "faults-gap.events";
        try (Aggregator aggregator = new Aggregator(config(kafka, topic))) {
            ApiClient api = new ApiClient(aggregator.httpPort());
            publishAndAwait(kafka, topic, beforeResync, aggregator);
            var waiting = api.get("/api/hosts/" + gapped).body();
            assertThat(waiting.get("synchronised").asBoolean()).as("%s synchronised after losing events", gapped).isFalse();
            assertThat(waiting.get("sequenceGaps").asLong()).as("events %s lost", gapped).isEqualTo(10);
            assertThat(waiting.get("skippedEvents").asLong()).as("events of %s skipped while waiting", gapped)
                    .isEqualTo(skippedUntilResync).isPositive();
            assertThat(Exposition.scrape(new AggregatorEndpoint(aggregator.httpPort()).metricsUrl()).value("gemtrack_host_synchronised", "host", gapped))
                    .as("%s synchronised, as exported", gapped).hasValue(0.0);

            List<Event> delivered = new ArrayList<>(beforeResync);
            delivered.addAll(fromResync);
            FromScratchFold fold = publishAndAwait(kafka, topic, fromResync, aggregator, delivered);

            var resynchronised = api.get("/api/hosts/" + gapped).body();
            assertThat(resynchronised.get("synchronised").asBoolean()).as("%s synchronised after its snapshot", gapped).isTrue();
            Exposition metrics = Exposition.scrape(new AggregatorEndpoint(aggregator.httpPort()).metricsUrl());
            assertThat(metrics.value("gemtrack_events_skipped_total")).hasValue((double) skippedUntilResync);
            assertThat(metrics.value("gemtrack_host_synchronised", "host", gapped)).as("%s synchronised, as exported", gapped)
                    .hasValue(1.0);
            fold.assertHeldBy(new AggregatorEndpoint(aggregator.httpPort()), fold.hosts());
            fold.assertSameStateAs(FromScratchFold.of(clean));
        }
    }

    @Test
    void onePercentPoisonOfEveryKindGoesToDeadLettersWithItsBytesAndTheRestIsApplied(TestKafka kafka) throws Exception {
        List<Event> clean = FleetStream.events(HOSTS, 13, SNAPSHOT_EVERY, 3_000);
        List<Poison> poison = new ArrayList<>();
        MalformedRecords.all().forEach(example -> poison.add(new Poison(example.bytes(), example.kind().name())));
        poison.add(new Poison(null, Kind.NOT_AN_OBJECT.name()));
        poison.add(new Poison(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '{'}, Kind.NOT_JSON.name()));
        int invariantBreaks = 3;
        int spacing = clean.size() / (poison.size() + invariantBreaks + 1);
        assertThat((double) (poison.size() + invariantBreaks) / clean.size()).as("share of poison").isBetween(0.005, 0.02);

        // Each invariant break is a well-formed event with the host's next seq: the host's later events move up one.
        Map<String, Long> shift = new HashMap<>();
        List<Object> delivered = new ArrayList<>();
        int nextPoison = 0;
        int breaks = 0;
        for (int i = 0; i < clean.size(); i++) {
            Event event = clean.get(i);
            long moved = shift.getOrDefault(event.host(), 0L);
            if (i > 0 && i % spacing == 0) {
                if (breaks < invariantBreaks && i % (2 * spacing) == 0) {
                    delivered.add(new Event(event.host(), event.bootId(), event.seq() + moved, event.ts(), new GemFree(987_654_321L + i)));
                    shift.put(event.host(), ++moved);
                    breaks++;
                } else if (nextPoison < poison.size()) {
                    delivered.add(poison.get(nextPoison++));
                }
            }
            delivered.add(moved == 0 ? event : new Event(event.host(), event.bootId(), event.seq() + moved, event.ts(), event.body()));
        }
        assertThat(nextPoison).as("poison records placed").isEqualTo(poison.size());
        assertThat(breaks).as("invariant breaks placed").isEqualTo(invariantBreaks);

        String topic = "faults-poison.events";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        try (Aggregator aggregator = new Aggregator(config(kafka, topic));
             EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(PARTITIONS));
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(settings.producer(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
            FromScratchFold fold = new FromScratchFold();
            int poisonSent = 0;
            for (Object record : delivered) {
                if (record instanceof Event event) {
                    publisher.publish(event);
                    fold.applyAsDelivered(event);
                } else {
                    // Poison carries a host's name as key, so it lands among that host's events.
                    raw.send(new ProducerRecord<>(topic, "host-" + (poisonSent++ % HOSTS), ((Poison) record).bytes()));
                }
            }
            publisher.flushExpectingNoFailure();
            raw.flush();
            awaitCounted(aggregator, delivered.size());

            assertThat(fold.count(ApplyResult.Rejected.class)).as("invariant breaks the fold rejects").isEqualTo(invariantBreaks);
            Map<String, Long> expectedReasons = poison.stream().collect(Collectors.groupingBy(Poison::reason, TreeMap::new, Collectors.counting()));
            expectedReasons.put(EventConsumer.MODEL_INVARIANT, (long) invariantBreaks);
            List<ConsumerRecord<byte[], byte[]>> deadLetters = Await.until(poison.size() + invariantBreaks + " dead letters",
                    CATCH_UP, () -> TopicRecords.readAll(kafka.clientConfig(), topic + ".dlq"),
                    records -> records.size() >= poison.size() + invariantBreaks);
            assertThat(deadLetters).hasSize(poison.size() + invariantBreaks);
            Map<String, Long> reasons = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> deadLetter : deadLetters) {
                reasons.merge(TopicRecords.header(deadLetter, DeadLetterPublisher.REASON_HEADER), 1L, Long::sum);
                assertThat(TopicRecords.header(deadLetter, DeadLetterPublisher.TOPIC_HEADER)).isEqualTo(topic);
                ConsumerRecord<byte[], byte[]> source = readAt(kafka.bootstrapServers(), topic,
                        Integer.parseInt(TopicRecords.header(deadLetter, DeadLetterPublisher.PARTITION_HEADER)),
                        Long.parseLong(TopicRecords.header(deadLetter, DeadLetterPublisher.OFFSET_HEADER)));
                assertThat(deadLetter.value()).as("the dead letter's bytes are the source record's").isEqualTo(source.value());
            }
            assertThat(reasons).as("dead letters by reason").isEqualTo(expectedReasons);
            List<byte[]> sentPoison = poison.stream().map(Poison::bytes).filter(bytes -> bytes != null).toList();
            assertThat(deadLetters.stream().map(ConsumerRecord::value).filter(bytes -> bytes != null).toList())
                    .as("every poison record's original bytes").containsAll(sentPoison);

            Exposition metrics = Exposition.scrape(new AggregatorEndpoint(aggregator.httpPort()).metricsUrl());
            for (Map.Entry<String, Long> reason : expectedReasons.entrySet()) {
                assertThat(metrics.value("gemtrack_dead_letters_total", "reason", reason.getKey())).as("dead letters %s", reason.getKey())
                        .hasValue((double) reason.getValue());
            }
            // Counted apart from the fold, which shares the aggregator's model code: every valid event was applied, and
            // neither poison nor a rejected event (whose seq counts as delivered) cost a host its synchronisation.
            assertThat(metrics.sum("gemtrack_events_applied_total")).as("valid events applied").isEqualTo(clean.size());
            assertThat(metrics.sum("gemtrack_sequence_gaps_total")).as("sequence gaps").isZero();
            assertThat(metrics.value("gemtrack_events_skipped_total")).as("events skipped").hasValue(0.0);
            fold.assertHeldBy(new AggregatorEndpoint(aggregator.httpPort()), fold.hosts());
        }
    }

    /** A record that is not an event: its bytes ({@code null}: no value at all) and the dead-letter reason it must get. */
    private record Poison(byte[] bytes, String reason) {
    }

    private static Aggregator.Config config(TestKafka kafka, String topic) {
        return new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()), topic + "-group", topic, topic + ".dlq",
                "127.0.0.1", 0, AggregatorMetrics.DEFAULT_TOP_PROCESSES, Aggregator.Config.DEFAULT_CHECKPOINT_INTERVAL);
    }

    private static FromScratchFold publishAndAwait(TestKafka kafka, String topic, List<Event> events, Aggregator aggregator)
            throws InterruptedException {
        return publishAndAwait(kafka, topic, events, aggregator, events);
    }

    /**
     * Publishes {@code events}, waits until the aggregator has counted everything {@code delivered} to its topic so
     * far, and returns the fold of that.
     */
    private static FromScratchFold publishAndAwait(TestKafka kafka, String topic, List<Event> events, Aggregator aggregator,
                                                   List<Event> delivered) throws InterruptedException {
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), topic, TopicLayout.partitions(PARTITIONS))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
        FromScratchFold fold = new FromScratchFold();
        delivered.forEach(fold::applyAsDelivered);
        awaitCounted(aggregator, delivered.size());
        return fold;
    }

    /**
     * Waits until the aggregator has counted {@code records} records, each as exactly one outcome: applied, duplicate,
     * skipped or dead letter. A record is counted after its host's model took it, so from then on models and counters
     * are final. (The hosts' last seq would not do: a duplicate after a host's last new event leaves it unchanged.)
     * A record lost or counted twice shows as a sum that stays off; each counter is then asserted on its own.
     */
    private static void awaitCounted(Aggregator aggregator, long records) throws InterruptedException {
        Await.until(records + " records counted as applied, duplicate, skipped or dead letter", CATCH_UP,
                () -> recordsCounted(Exposition.scrape(new AggregatorEndpoint(aggregator.httpPort()).metricsUrl())), counted -> counted == records);
    }

    private static double recordsCounted(Exposition metrics) {
        return metrics.sum("gemtrack_events_applied_total") + metrics.sum("gemtrack_events_duplicate_total")
                + metrics.sum("gemtrack_events_skipped_total") + metrics.sum("gemtrack_dead_letters_total");
    }

    private static Map<String, Integer> lastSnapshotIndexOfEachHost(List<Event> events) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).body() instanceof HostSnapshot) {
                last.put(events.get(i).host(), i);
            }
        }
        assertThat(last).as("hosts with a snapshot").hasSize(HOSTS);
        return last;
    }

    /** The first position at or after {@code from} in {@code ofHost} where {@code length} events hold no snapshot and a snapshot follows. */
    private static int firstRunWithoutSnapshot(List<Event> events, List<Integer> ofHost, int from, int length) {
        for (int start = from; start + length < ofHost.size(); start++) {
            boolean clear = ofHost.subList(start, start + length + 1).stream().noneMatch(i -> events.get(i).body() instanceof HostSnapshot);
            boolean resyncFollows = ofHost.subList(start + length + 1, ofHost.size()).stream()
                    .anyMatch(i -> events.get(i).body() instanceof HostSnapshot);
            if (clear && resyncFollows) {
                return start;
            }
        }
        throw new AssertionError("no run of " + length + " events without a snapshot, followed by one");
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(KafkaSettings.bootstrap(bootstrapServers).consumer(Map.of()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static ConsumerRecord<byte[], byte[]> readAt(String bootstrapServers, String topic, int partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
            TopicPartition source = new TopicPartition(topic, partition);
            consumer.assign(List.of(source));
            consumer.seek(source, offset);
            long deadline = System.nanoTime() + CATCH_UP.toNanos();
            while (System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return record;
                    }
                }
            }
            throw new AssertionError("no record at " + source + "@" + offset);
        }
    }
}
