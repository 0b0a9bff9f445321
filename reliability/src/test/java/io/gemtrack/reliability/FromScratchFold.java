package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.OomPostMortem;
import io.gemtrack.oom.OomPostMortems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
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
    /** The fold folds events, not Kafka records: it knows no record's timestamp. */
    private static final long UNKNOWN_TIME = -1;

    private final Map<String, HostModel> hosts = new TreeMap<>();
    private final Map<Class<? extends ApplyResult>, Long> results = new HashMap<>();
    private boolean faultsDelivered;

    /** The fold of a clean stream. */
    static FromScratchFold of(List<Event> events) {
        FromScratchFold fold = new FromScratchFold();
        events.forEach(fold::apply);
        return fold;
    }

    /** Folds one published event; the stream itself must be clean, or the comparison would prove little. */
    void apply(Event event) {
        assertThat(fold(event)).as("the fold of %s seq %d", event.host(), event.seq()).isEqualTo(ApplyResult.APPLIED);
    }

    /** Folds one event as a faulty stream delivered it: duplicates, gaps and rejected events are expected. */
    ApplyResult applyAsDelivered(Event event) {
        faultsDelivered = true;
        return fold(event);
    }

    private ApplyResult fold(Event event) {
        ApplyResult result = OomPostMortems.apply(hosts.computeIfAbsent(event.host(), HostModel::new), event, UNKNOWN_TIME);
        results.merge(result.getClass(), 1L, Long::sum);
        return result;
    }

    /** How many events the fold met with {@code result}: duplicates, skipped, rejected, ... */
    long count(Class<? extends ApplyResult> result) {
        return results.getOrDefault(result, 0L);
    }

    /**
     * Asserts that every host ended in the same state as in {@code clean}, the fold of the stream without its faults:
     * the same objects, processes and charges and the same next {@code seq}, whatever was counted on the way.
     */
    void assertSameStateAs(FromScratchFold clean) {
        assertThat(hosts.keySet()).isEqualTo(clean.hosts.keySet());
        hosts.forEach((host, model) -> {
            HostModel expected = clean.hosts.get(host);
            assertThat(model.synchronised()).as("%s synchronised", host).isTrue();
            assertThat(model.lastSeq()).as("last seq of %s", host).isEqualTo(expected.lastSeq());
            assertThat(model.checkpoint().state()).as("state of %s against the clean stream's", host)
                    .isEqualTo(expected.checkpoint().state());
        });
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
            assertThat(withoutRecordTimes(aggregator.api().text("/api/hosts/" + host + "/checkpoint")))
                    .as("canonical dump of %s by %s", host, aggregator).isEqualTo(dump(host));
        }
    }

    /** A served checkpoint with its OOM kills' record timestamps as the fold has them; everything else as served. */
    private static String withoutRecordTimes(String served) {
        try {
            HostCheckpoint checkpoint = CODEC.decode(served.getBytes(StandardCharsets.UTF_8));
            List<OomPostMortem> kills = checkpoint.oomKills().stream().map(kill -> new OomPostMortem(kill.host(), kill.bootId(),
                    kill.seq(), kill.ts(), UNKNOWN_TIME, kill.pid(), kill.comm(), kill.cgroup(), kill.kernelPoints(),
                    kill.kernelFreedPages(), kill.freedBytes(), kill.freedObjects(), kill.stillHeld(), kill.bytesLeftAlive(),
                    kill.policies(), kill.best(), kill.kernelChoiceBest())).toList();
            return new String(CODEC.encode(new HostCheckpoint(checkpoint.host(), checkpoint.bootId(), checkpoint.nextSeq(),
                    checkpoint.synchronised(), checkpoint.sequenceGaps(), checkpoint.skippedEvents(), checkpoint.counterMismatches(),
                    checkpoint.memoryKnown(), checkpoint.counterMismatchPids(), checkpoint.state(), kills, checkpoint.oomKillTotals())),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("the served checkpoint is not one: " + served, e);
        }
    }

    private String dump(String host) {
        HostModel model = hosts.get(host);
        if (!faultsDelivered) {
            assertThat(model.synchronised()).as("%s in the fold is synchronised", host).isTrue();
            assertThat(model.sequenceGaps()).as("sequence gaps of %s in the fold", host).isZero();
        }
        return new String(CODEC.encode(model.checkpoint()), StandardCharsets.UTF_8);
    }
}
