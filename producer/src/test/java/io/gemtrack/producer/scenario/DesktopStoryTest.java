package io.gemtrack.producer.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.producer.truth.HostTruth;
import io.gemtrack.producer.truth.ProcessTruth;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo's story, told by the emulator's own truth: the policies disagree all along, each for its reason. */
class DesktopStoryTest {

    private static final int STEPS = 40_000;
    private static final int CHECK_EVERY = 250;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void everyPolicyHasItsOwnReasonAndTheStoryKeepsItsProcesses(long seed) {
        HostSimulation host = new HostSimulation("host", seed, List.of(Scenarios.DESKTOP), false, 1_000);
        host.step();
        host.step();
        HostTruth first = host.truth();
        int browser = pid(first, "browser");
        int compositor = pid(first, "compositor");
        Set<Integer> leakers = new HashSet<>();
        int leakerExits = 0;
        Set<Integer> lastLeaker = Set.of();
        boolean leakerIsFreeablesVictim = false;
        for (int step = 0; step < STEPS; step++) {
            host.step();
            if (step % CHECK_EVERY != 0) {
                continue;
            }
            HostTruth truth = host.truth();
            Map<String, Integer> victims = truth.victims();
            String at = "seed " + seed + ", step " + step + ", victims " + victims;
            // The kernel sees only RSS: the browser's main process.
            assertThat(victims.get("rss")).as(at).isEqualTo(browser);
            // The RFC charges the compositor for every window its clients keep alive, so its kill frees less than the best.
            assertThat(victims.get("rfc")).as(at).isEqualTo(compositor);
            assertThat(truth.mismatches().get("rfc")).as(at).isTrue();
            // Every renderer holds every tile; the holder policy charges each of them all.
            assertThat(comm(truth, victims.get("holder"))).as(at).isIn("browser-renderer", "leaky-app");
            assertThat(Set.copyOf(victims.values())).as(at).hasSizeGreaterThanOrEqualTo(3);
            Set<Integer> leaker = truth.processes().stream().filter(process -> process.comm().equals("leaky-app"))
                    .map(ProcessTruth::pid).collect(Collectors.toSet());
            if (!lastLeaker.isEmpty() && !lastLeaker.equals(leaker)) {
                leakerExits++;
            }
            lastLeaker = leaker;
            leakerIsFreeablesVictim |= leaker.contains(victims.get("freeable"));
            leakers.addAll(leaker);
            assertThat(pid(truth, "browser")).as("the browser lives on").isEqualTo(browser);
            assertThat(pid(truth, "compositor")).as("the compositor lives on").isEqualTo(compositor);
        }
        // The leaker's climb reaches the freeable victim before its crash, and it crashes and starts again.
        assertThat(leakerIsFreeablesVictim).as("the leaker becomes freeable's victim").isTrue();
        assertThat(leakerExits).as("leaker crashes").isPositive();
        assertThat(leakers).hasSizeGreaterThan(1);
    }

    private static int pid(HostTruth truth, String comm) {
        return truth.processes().stream().filter(process -> process.comm().equals(comm)).mapToInt(ProcessTruth::pid)
                .findFirst().orElseThrow(() -> new AssertionError("no " + comm + " on " + truth.host()));
    }

    private static String comm(HostTruth truth, int pid) {
        return truth.processes().stream().filter(process -> process.pid() == pid).map(ProcessTruth::comm).findFirst().orElse("none");
    }
}
