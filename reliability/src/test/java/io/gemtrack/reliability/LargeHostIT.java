package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.benchmarks.BusyHostModel;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BusyHost;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host of 100,000 processes holding 1,000,000 live GEM objects, streamed through the broker to an aggregator: the
 * aggregator's whole heap stays within {@value #BOUND_BYTES_PER_OBJECT} bytes per object (Kafka buffers, metrics
 * and history included: 254 measured, the model alone needs about 100; a leak of about 64 bytes per event, of its
 * 2.3 million, would break it), and its model equals the from-scratch fold. The host's checkpoint, decoded and
 * restored, dumps to the same bytes. Then the aggregator is replaced: the host's checkpoint JSON (about 150 MB) is
 * larger than a checkpoint record may be, so it is stored gzipped, and the successor restores the host from it
 * without applying a single event, again equal to the fold.
 *
 * <p>Tagged {@code large}: about a minute and a half and a 2 GB heap (reliability/pom.xml), so {@code mvn verify}
 * leaves it out and {@code -Plarge} (which {@code scripts/test}, and so CI, passes) runs it.
 */
@Tag("large")
@ExtendWith(KafkaExtension.class)
class LargeHostIT {

    private static final CheckpointCodec CODEC = new CheckpointCodec();

    private static final BusyHost HOST = new BusyHost(100_000, 10);
    private static final double BOUND_BYTES_PER_OBJECT = 400;
    private static final String TOPIC = "large-host.events";
    private static final Duration CATCH_UP = Duration.ofMinutes(3);
    private static final Duration FINAL_CHECKPOINT = Duration.ofMinutes(3);

    @Test
    void millionObjectHostStaysWithinTheHeapBoundAndEqualsTheFoldAcrossARestart(TestKafka kafka) throws Exception {
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        AtomicLong lastSeq = new AtomicLong(-1);
        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(1))) {
            HOST.events(event -> {
                publisher.publish(event);
                lastSeq.set(event.seq());
            });
            publisher.flushExpectingNoFailure();
        }
        // No periodic checkpoint: one would encode the whole host while the heap is being measured.
        Aggregator.Config config = new Aggregator.Config(settings, "large-host", TOPIC, TOPIC + ".dlq", "127.0.0.1", 0,
                AggregatorMetrics.DEFAULT_TOP_PROCESSES, Duration.ofMinutes(10));

        String held;
        long before = BusyHost.usedHeapAfterGc();
        Aggregator aggregator = new Aggregator(config);
        try {
            ApiClient api = awaitLastSeq(aggregator, lastSeq.get());
            double bytesPerObject = (double) (BusyHost.usedHeapAfterGc() - before) / HOST.objects();
            // The figure RELIABILITY.md quotes; the test's report keeps it.
            System.out.printf("LargeHostIT: the aggregator holds %,d objects in %.0f heap bytes each%n", HOST.objects(), bytesPerObject);
            assertThat(bytesPerObject).as("aggregator heap bytes per live object of %,d", HOST.objects())
                    .isPositive().isLessThanOrEqualTo(BOUND_BYTES_PER_OBJECT);
            held = api.sha256("/api/hosts/" + BusyHost.NAME + "/checkpoint");
        } finally {
            // A million objects' checkpoint takes longer to write than a stop signal leaves for it.
            aggregator.close(FINAL_CHECKPOINT);
        }
        // Compared by digest: the dumps are hundreds of megabytes, which the test's heap holds once beside a model at most.
        String fold = foldDumpThatRoundTrips();
        assertThat(held).as("the SHA-256 of the aggregator's canonical dump").isEqualTo(fold);

        AtomicLong appliedBySuccessor = new AtomicLong();
        try (Aggregator successor = new Aggregator(config, (record, event) -> appliedBySuccessor.incrementAndGet())) {
            ApiClient api = awaitLastSeq(successor, lastSeq.get());
            assertThat(api.sha256("/api/hosts/" + BusyHost.NAME + "/checkpoint")).as("the SHA-256 of the successor's canonical dump")
                    .isEqualTo(fold);
            assertThat(appliedBySuccessor.get()).as("events the successor applied: none, the checkpoint held them all").isZero();
        }
    }

    /**
     * The SHA-256 of the fold's canonical dump, once it has round-tripped: decoded and restored, the model dumps to the
     * same bytes.
     */
    private static String foldDumpThatRoundTrips() throws IOException {
        byte[] dump = CODEC.encode(BusyHostModel.fold(HOST).checkpoint());
        assertThat(Arrays.equals(CODEC.encode(HostModel.restore(CODEC.decode(dump)).checkpoint()), dump))
                .as("the fold's checkpoint, decoded and restored, dumps to the same bytes").isTrue();
        return ApiClient.sha256(dump);
    }

    private static ApiClient awaitLastSeq(Aggregator aggregator, long lastSeq) throws InterruptedException {
        AggregatorEndpoint endpoint = new AggregatorEndpoint(aggregator.httpPort());
        Await.until(BusyHost.NAME + " applied up to seq " + lastSeq, CATCH_UP,
                () -> endpoint.lastSeqs().getOrDefault(BusyHost.NAME, -1L), seq -> seq == lastSeq);
        return endpoint.api();
    }
}
