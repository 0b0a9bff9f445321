package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.Event;
import io.gemtrack.model.FleetModel;
import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.BasicScenario;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FleetHistoryTest {

    private static final long MIB = 1L << 20;

    private final FleetModel fleet = new FleetModel();
    private final SharedFleet shared = new SharedFleet(fleet);
    private final FleetHistory history = new FleetHistory(shared);

    @Test
    void samplesEachHostsGemAndUnaccountedBytesOldestFirst() {
        List<Event> events = BasicScenario.events("host-a", "boot-1");
        // Up to the pin of the 4 MiB scratch buffer: both buffers are alive.
        events.subList(0, 13).forEach(fleet::apply);
        history.sample(1_000);
        events.subList(13, events.size()).forEach(fleet::apply);
        history.sample(6_000);

        FleetHistory.HostHistory host = history.of("host-a");
        assertThat(host.epochMillis()).containsExactly(1_000L, 6_000L);
        assertThat(host.gemBytes()).containsExactly(12 * MIB, 8 * MIB);
        assertThat(host.unaccounted().get(Policy.rss)).containsExactly(12 * MIB, 8 * MIB);
        assertThat(host.unaccounted().get(Policy.rfc)).containsExactly(0L, 0L);
        assertThat(host.unaccounted().keySet()).containsExactlyElementsOf(Policy.all());
        assertThat(host.intervalMillis()).isEqualTo(FleetHistory.INTERVAL.toMillis());
    }

    @Test
    void keepsOnlyTheLastWindowOfSamples() {
        BasicScenario.events("host-a", "boot-1").forEach(fleet::apply);
        long[] times = LongStream.range(0, FleetHistory.CAPACITY + 3).map(i -> i * 5_000).toArray();
        LongStream.of(times).forEach(history::sample);

        assertThat(history.of("host-a").epochMillis()).hasSize(FleetHistory.CAPACITY)
                .startsWith(times[3]).endsWith(times[times.length - 1]);
    }

    @Test
    void aHostNotYetSampledHasAnEmptyHistory() {
        FleetHistory.HostHistory host = history.of("host-a");

        assertThat(host.epochMillis()).isEmpty();
        assertThat(host.gemBytes()).isEmpty();
        assertThat(host.unaccounted().get(Policy.rfc)).isEmpty();
    }
}
