package io.gemtrack.producer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.truth.OomKillTruth;
import io.gemtrack.producer.truth.ProcessTruth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scenarios run their hosts out of memory: {@code leak} on most hosts, {@code mixed} on some; each kill is the
 * {@code OomKill} followed by the victim's exit, and its truth names the victim the kernel chose among those of
 * the host at that instant.
 */
class OomKillSimulationTest {

    private static final long EVENTS = 5_000;

    private static List<OomKillTruth> run(String scenario, long seed, boolean driverPagesInBadness) {
        HostSimulation host = new HostSimulation("host", seed, Scenarios.parse(scenario), false, driverPagesInBadness, 500);
        List<OomKillTruth> kills = new ArrayList<>();
        Event previous = null;
        while (host.events() < EVENTS) {
            for (Event event : host.step()) {
                if (previous != null && previous.body() instanceof OomKill kill) {
                    assertThat(event.body()).as("seed %d: after %s", seed, previous).isEqualTo(new ProcessExit(kill.pid()));
                }
                previous = event;
            }
            for (OomKillTruth kill : host.takeOomKills()) {
                assertThat(kill.atKill().seq()).isEqualTo(kill.seq());
                assertThat(kill.atKill().processes()).extracting(ProcessTruth::pid).contains(kill.kill().pid());
                kills.add(kill);
            }
        }
        return kills;
    }

    private static long freedByBest(OomKillTruth kill) {
        return kill.atKill().processes().stream().filter(process -> process.pid() == kill.atKill().bestVictim())
                .mapToLong(ProcessTruth::freedByKill).findFirst().orElseThrow();
    }

    @Test
    void leakRunsMostHostsOutOfMemoryAndTodaysKernelSometimesKillsTheWrongProcess() {
        int hostsWithKills = 0;
        List<OomKillTruth> all = new ArrayList<>();
        for (long seed = 1; seed <= 20; seed++) {
            List<OomKillTruth> kills = run("leak", seed, false);
            hostsWithKills += kills.isEmpty() ? 0 : 1;
            all.addAll(kills);
        }
        assertThat(hostsWithKills).isGreaterThanOrEqualTo(10);
        assertThat(all).anyMatch(kill -> kill.kill().freedBytes() < freedByBest(kill))
                .anyMatch(kill -> kill.kill().freedBytes() == freedByBest(kill))
                .allMatch(kill -> kill.kill().freedBytes() == kill.kill().freedPages() * 4096);
    }

    @Test
    void theRfcsBadnessKillsTheLeakerWhereTodaysKillsTheCache() {
        List<String> today = new ArrayList<>();
        List<String> rfc = new ArrayList<>();
        for (long seed = 1; seed <= 10; seed++) {
            run("leak", seed, false).forEach(kill -> today.add(kill.kill().comm()));
            run("leak", seed, true).forEach(kill -> rfc.add(kill.kill().comm()));
        }
        assertThat(today).contains("cache-server");
        assertThat(rfc).contains("leaky-app");
        assertThat(rfc.stream().filter("leaky-app"::equals).count()).isGreaterThan(today.stream().filter("leaky-app"::equals).count());
    }

    @Test
    void mixedRunsSomeHostsOutOfMemory() {
        int kills = 0;
        for (long seed = 1; seed <= 20; seed++) {
            kills += run(Scenarios.MIXED, seed, false).size();
        }
        assertThat(kills).isPositive();
    }
}
