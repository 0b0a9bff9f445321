package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.CheckpointCodec;
import io.gemtrack.aggregator.model.ApplyResult;
import io.gemtrack.aggregator.model.HostModel;
import io.gemtrack.events.Event;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The oracle every fault test ends with: each host's model folded from scratch in this JVM from every event that was
 * published, compared with an aggregator's through the canonical dump of the whole model
 * ({@code GET /api/hosts/HOST/checkpoint}), not through a few totals.
 */
final class FromScratchFold {

    private static final CheckpointCodec CODEC = new CheckpointCodec();

    private final Map<String, HostModel> hosts = new TreeMap<>();

    /** Folds one published event; the stream itself must be clean, or the comparison would prove little. */
    void apply(Event event) {
        ApplyResult result = hosts.computeIfAbsent(event.host(), HostModel::new).apply(event);
        assertThat(result).as("the fold of %s seq %d", event.host(), event.seq()).isEqualTo(ApplyResult.APPLIED);
    }

    Set<String> hosts() {
        return hosts.keySet();
    }

    /** Every host with the last {@code seq} published, as the API's {@code lastSeq} shows it once all is applied. */
    Map<String, Long> lastSeqs() {
        Map<String, Long> lastSeqs = new TreeMap<>();
        hosts.forEach((host, model) -> lastSeqs.put(host, model.lastSeq()));
        return lastSeqs;
    }

    /** What a fleet-wide query over all hosts would give: {@code figure} of every host's model, summed. */
    long fleetTotal(ToLongFunction<HostModel> figure) {
        return hosts.values().stream().mapToLong(figure).sum();
    }

    /** Asserts that {@code aggregator} holds each of {@code owned} exactly as the fold does. */
    void assertHeldBy(AggregatorEndpoint aggregator, Collection<String> owned) {
        assertThat(owned).as("hosts compared").isNotEmpty();
        for (String host : owned) {
            assertThat(hosts).as("hosts of the fold").containsKey(host);
            assertThat(aggregator.api().text("/api/hosts/" + host + "/checkpoint")).as("canonical dump of %s by %s", host, aggregator)
                    .isEqualTo(dump(host));
        }
    }

    private String dump(String host) {
        HostModel model = hosts.get(host);
        assertThat(model.synchronised()).as("%s in the fold is synchronised", host).isTrue();
        assertThat(model.sequenceGaps()).as("sequence gaps of %s in the fold", host).isZero();
        return new String(CODEC.encode(model.checkpoint()), StandardCharsets.UTF_8);
    }
}
