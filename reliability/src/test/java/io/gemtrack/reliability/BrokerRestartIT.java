package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.producer.EventPump;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The broker stops while the produce loop publishes and an aggregator consumes, and starts again with its data:
 * the idempotent producer retries what the broker did not take, so every event is acknowledged exactly once; the
 * produce loop sees the reconnect and has every host send a {@code HostSnapshot}; the aggregator ends synchronised,
 * with every host's whole model equal to a from-scratch fold of everything published.
 */
class BrokerRestartIT {

    private static final String TOPIC = "broker-restart-it.events";
    private static final int HOSTS = 5;
    private static final int PARTITIONS = 4;
    private static final long EVENTS_PER_SECOND = 1_500;
    /** Events published before the broker stops, and again after it is back. */
    private static final int PHASE_EVENTS = 1_500;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void brokerRestartMidStreamLosesNothingAndTheProducerResynchronisesEveryHost() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startTemporary()) {
            KafkaSettings settings = KafkaSettings.bootstrap(broker.bootstrapServers());
            // Snapshots only at boot: any later one is the produce loop's answer to the reconnect.
            FleetSimulation fleet = new FleetSimulation(HOSTS, 21, Scenarios.parse(Scenarios.MIXED), false, 0);
            List<Event> published = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger publishedWhenBack = new AtomicInteger(Integer.MAX_VALUE - PHASE_EVENTS);
            try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(PARTITIONS));
                 Aggregator aggregator = new Aggregator(new Aggregator.Config(settings, "broker-restart-it", TOPIC,
                         TOPIC + ".dlq", "127.0.0.1", 0, AggregatorMetrics.DEFAULT_TOP_PROCESSES, Duration.ofMillis(500)))) {
                EventPump pump = new EventPump(fleet, event -> {
                    published.add(event);
                    publisher.publish(event);
                }, publisher::failed, publisher::reconnected, new PrintWriter(System.err, true));
                CompletableFuture<EventPump.Totals> producing = CompletableFuture.supplyAsync(() -> pump.run(
                        new EventPump.Limits(0, null, EVENTS_PER_SECOND), () -> published.size() >= publishedWhenBack.get() + PHASE_EVENTS));

                Await.until(PHASE_EVENTS + " events acknowledged before the broker stops", TIMEOUT,
                        publisher::acknowledged, acknowledged -> acknowledged >= PHASE_EVENTS);
                int publishedAtStop = published.size();
                broker.stop();
                // With the broker gone the producer loses the topic's metadata, and its send blocks (up to max.block.ms)
                // until the broker is back: the loop hands it the events of the stop, the last of them blocked, and none
                // may be lost. The send may block before the stop returns, so the count is the one before the stop.
                Await.until("the produce loop to publish while the broker goes away", TIMEOUT,
                        published::size, size -> size > publishedAtStop);
                broker.start();
                publishedWhenBack.set(published.size());
                EventPump.Totals totals = producing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                publisher.flushExpectingNoFailure();

                assertThat(totals.errors()).as("events the producer failed to deliver").isZero();
                assertThat(publisher.acknowledged()).as("events acknowledged, each once").isEqualTo(published.size());
                List<Event> resynchronisations = published.subList(publishedAtStop, published.size()).stream()
                        .filter(event -> event.body() instanceof HostSnapshot).toList();
                assertThat(resynchronisations).as("HostSnapshots sent after the broker went away (broker log %s)", broker.log())
                        .extracting(Event::host).containsAll(fleet.hosts().stream().map(host -> host.host()).toList());

                FromScratchFold fold = new FromScratchFold();
                published.forEach(fold::apply);
                AggregatorEndpoint endpoint = new AggregatorEndpoint(aggregator.httpPort());
                Await.until("every host's last published seq applied", TIMEOUT, endpoint::lastSeqs, fold.lastSeqs()::equals);
                fold.assertHeldBy(endpoint, fold.hosts());
                DeadLetters.assertNone(settings, TOPIC + ".dlq", endpoint);
            }
        }
    }
}
