package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out: a second aggregator joins the consumer group mid-stream and takes over some partitions (the first
 * checkpoints them as they are revoked; the second restores and replays, then goes on with the stream), then leaves
 * and hands them back the same way. While
 * both run they split the hosts with none shared and none missing, and Prometheus {@code sum()} over both instances
 * gives the fleet's totals; at the end the survivor holds every host exactly as a from-scratch fold does.
 */
@ExtendWith(KafkaExtension.class)
class ScaleOutIT {

    private static final String TOPIC = "scale-out-it.events";
    private static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aSecondAggregatorTakesOverPartOfTheHostsMidStreamAndHandsThemBackWhenItLeaves(TestKafka kafka) throws Exception {
        String bootstrapServers = kafka.bootstrapServers();
        KafkaSettings settings = KafkaSettings.bootstrap(bootstrapServers);
        Aggregator.Config config = new Aggregator.Config(settings, "scale-out-it", TOPIC, TOPIC + ".dlq", "127.0.0.1", 0,
                AggregatorMetrics.DEFAULT_TOP_PROCESSES, Duration.ofMillis(200));
        List<Event> events = FleetStream.events(8, 3, 500, 4_500);
        List<Event> alone = events.subList(0, events.size() / 3);
        List<Event> together = events.subList(alone.size(), events.size() * 2 / 3);
        List<Event> afterLeaving = events.subList(alone.size() + together.size(), events.size());
        FromScratchFold foldWhileTogether = new FromScratchFold();
        Stream.concat(alone.stream(), together.stream()).forEach(foldWhileTogether::apply);
        FromScratchFold fold = new FromScratchFold();
        events.forEach(fold::apply);

        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(PARTITIONS));
             Aggregator first = new Aggregator(config)) {
            AggregatorEndpoint firstEndpoint = new AggregatorEndpoint(first.httpPort());
            FleetStream.publishPaced(publisher, alone);
            List<Event> whileJoining = together.subList(0, together.size() / 2);
            CompletableFuture<Void> streaming = FleetStream.publishPacedMeanwhile(publisher, whileJoining);
            try (Aggregator second = new Aggregator(config)) {
                AggregatorEndpoint secondEndpoint = new AggregatorEndpoint(second.httpPort());
                streaming.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                Await.until("the second to own hosts", TIMEOUT, secondEndpoint::lastSeqs, owned -> !owned.isEmpty());
                FleetStream.publishPaced(publisher, together.subList(whileJoining.size(), together.size()));
                // Every partition has hosts (8 hosts over 4 partitions, by the host key's hash), so each member gets some.
                List<Map<String, Long>> split = Await.until("the hosts split between both aggregators, each with some, none"
                                + " shared, each host at its last published seq", TIMEOUT,
                        () -> List.of(firstEndpoint.lastSeqs(), secondEndpoint.lastSeqs()),
                        owned -> !owned.get(0).isEmpty() && !owned.get(1).isEmpty()
                                && Collections.disjoint(owned.get(0).keySet(), owned.get(1).keySet())
                                && union(owned).equals(foldWhileTogether.lastSeqs()));
                Set<String> firstHosts = split.get(0).keySet();
                Set<String> secondHosts = split.get(1).keySet();
                foldWhileTogether.assertHeldBy(firstEndpoint, firstHosts);
                foldWhileTogether.assertHeldBy(secondEndpoint, secondHosts);

                List<Exposition> scrapes = List.of(Exposition.scrape(firstEndpoint.metricsUrl()),
                        Exposition.scrape(secondEndpoint.metricsUrl()));
                assertThat(sumBy(scrapes, "gemtrack_host_gem_bytes", null)).as("sum(gemtrack_host_gem_bytes)")
                        .isEqualTo(Map.of("", (double) foldWhileTogether.fleetTotal(host -> host.ledger().gemBytes())));
                Map<String, Double> unaccounted = new TreeMap<>();
                Policy.all().forEach(policy -> unaccounted.put(policy.name(),
                        (double) foldWhileTogether.fleetTotal(host -> host.ledger().unaccounted(policy))));
                assertThat(sumBy(scrapes, "gemtrack_host_unaccounted_bytes", "policy"))
                        .as("sum by (policy) (gemtrack_host_unaccounted_bytes)").isEqualTo(unaccounted);
                long eventsOfSecondsHosts = Stream.concat(alone.stream(), together.stream())
                        .filter(event -> secondHosts.contains(event.host())).count();
                assertThat(sumBy(List.of(scrapes.get(1)), "gemtrack_events_applied_total", null).getOrDefault("", 0.0))
                        .as("events the second applied: some, those after the first's last checkpoint of its hosts; not all,"
                                + " the others came restored from that checkpoint").isPositive().isLessThan(eventsOfSecondsHosts);
            }

            FleetStream.publishPaced(publisher, afterLeaving);
            Await.until("every host back with the first, at its last published seq", TIMEOUT, firstEndpoint::lastSeqs,
                    fold.lastSeqs()::equals);
            fold.assertHeldBy(firstEndpoint, fold.hosts());
            DeadLetters.assertNone(settings, TOPIC + ".dlq", firstEndpoint);
        }
    }

    private static Map<String, Long> union(List<Map<String, Long>> owned) {
        Map<String, Long> all = new TreeMap<>();
        owned.forEach(all::putAll);
        return all;
    }

    /**
     * What Prometheus's {@code sum by (label) (metric)} over every scraped instance gives, keyed by the label's value;
     * a {@code null} label is a plain {@code sum(metric)}, keyed by the empty string.
     */
    private static Map<String, Double> sumBy(List<Exposition> scrapes, String metric, String label) {
        Map<String, Double> sums = new TreeMap<>();
        scrapes.forEach(scrape -> scrape.samples().stream().filter(sample -> sample.name().equals(metric))
                .forEach(sample -> sums.merge(label == null ? "" : sample.labels().get(label), sample.value(), Double::sum)));
        return sums;
    }
}
