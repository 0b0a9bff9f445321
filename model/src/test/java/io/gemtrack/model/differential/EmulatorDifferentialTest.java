package io.gemtrack.model.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.OomPostMortem;
import io.gemtrack.oom.OomPostMortems;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.StatusFigure;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.producer.truth.AccountingPolicy;
import io.gemtrack.producer.truth.HostTruth;
import io.gemtrack.producer.truth.OomKillTruth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential check in process: for every scenario and 50 seeds, the emulator's events folded through the
 * aggregator's model must give exactly the emulator's own ground truth, at every snapshot (both the fold just
 * before it and the model restored from it) and at the end, and every OOM kill's post-mortem must equal the
 * kernel's own account of the kill. The two sides read SEMANTICS.md independently, so a
 * difference is a bug in one of them.
 */
class EmulatorDifferentialTest {

    private static final int SEEDS = 50;
    private static final long EVENTS_PER_HOST = 5_000;
    private static final long SNAPSHOT_EVERY = 250;

    static List<String> scenarios() {
        return Scenarios.names();
    }

    @Test
    void bothSidesNameTheSamePolicies() {
        assertThat(AccountingPolicy.ALL).extracting(Enum::name).containsExactlyElementsOf(Policy.all().stream().map(Enum::name).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void foldedEventsMatchTheGroundTruthAtEverySnapshotAndAtTheEnd(String scenario) {
        List<Compared> both = new ArrayList<>();
        List<OomKillFigures> kills = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            HostModel model = run(scenario, seed, false, both, kills);
            assertThat(model.counterMismatches()).as("%s, seed %d: MM_DRIVERPAGES disagreed with rfc without the fork flaw", scenario, seed)
                    .isZero();
        }
        List<HostFigures> compared = both.stream().map(Compared::host).toList();
        // Agreement on empty hosts would prove nothing: the stories must reach the figures that matter.
        assertThat(compared.stream().anyMatch(figures -> figures.residentBytes() > 0)).as("%s reaches resident buffers", scenario).isTrue();
        if (scenario.equals("leak") || scenario.equals(Scenarios.MIXED)) {
            assertThat(kills).as("%s runs hosts out of memory", scenario).isNotEmpty();
            assertThat(kills).as("kills of the best victim and of a worse one").anyMatch(OomKillFigures::kernelChoiceBest)
                    .anyMatch(kill -> !kill.kernelChoiceBest());
            assertThat(kills).as("kills that leave shared buffers alive").anyMatch(kill -> kill.bytesLeftAlive() > 0);
        }
        if (scenario.equals(Scenarios.MIXED)) {
            assertThat(compared.stream().anyMatch(figures -> figures.overcharged().get(Policy.holder) > 0)).as("shared buffers").isTrue();
            assertThat(compared.stream().anyMatch(figures -> figures.orphanedBytes() > 0)).as("orphaned buffers").isTrue();
            assertThat(compared.stream().anyMatch(figures -> figures.mismatches().containsValue(true))).as("a victim freeing less").isTrue();
            assertThat(compared.stream().anyMatch(figures -> !figures.victims().get(Policy.rfc).equals(figures.victims().get(Policy.holder))))
                    .as("policies choosing different victims").isTrue();
            for (StatusFigure figure : StatusFigure.values()) {
                assertThat(compared.stream().anyMatch(figures -> figures.status().get(figure) > 0)).as("%s bytes", figure).isTrue();
                assertThat(compared.stream().anyMatch(figures -> figures.heldStatus().values().stream().anyMatch(held -> held.get(figure) > 0)))
                        .as("processes holding %s bytes", figure).isTrue();
            }
            assertThat(compared.stream().anyMatch(figures -> figures.unattributedDeviceBytes() > 0)).as("device use no object accounts for")
                    .isTrue();
            assertThat(compared.stream().anyMatch(figures -> figures.gpuActiveBytes() > 0)).as("GPU drivers' system memory").isTrue();
            assertCgroupsReachWhatMatters(both.stream().flatMap(each -> each.cgroups().values().stream()).toList());
            assertThat(both.stream().anyMatch(each -> each.cgroups().values().stream().anyMatch(row -> row.charged().get(Policy.holder) > 0
                    && row.charged().get(Policy.holder) < row.pids().stream()
                    .mapToLong(pid -> each.host().charged().get(pid).get(Policy.holder)).sum())))
                    .as("a buffer several processes of one cgroup hold, counted once for it").isTrue();
        }
    }

    /** The cgroup figures that would agree trivially on hosts without pods, shared buffers or limits are reached. */
    private static void assertCgroupsReachWhatMatters(List<CgroupRows> rows) {
        assertThat(rows.stream().anyMatch(row -> row.path().contains("/cri-containerd-") && row.charged().get(Policy.holder) > 0))
                .as("a pod's container holding GPU memory").isTrue();
        assertThat(rows.stream().anyMatch(row -> row.path().contains("kubepods-besteffort-pod")
                && row.charged().get(Policy.freeable) < row.charged().get(Policy.holder)))
                .as("a pod whose buffers a compositor outside it holds too").isTrue();
        assertThat(rows.stream().anyMatch(row -> row.orphanedBytes() > 0)).as("orphaned memory in a cgroup").isTrue();
        assertThat(rows.stream().anyMatch(row -> !row.victims().isEmpty() && row.victims().containsValue(0) == false))
                .as("memcg OOM victims inside a limited cgroup").isTrue();
        assertThat(rows.stream().anyMatch(row -> row.usage() != null
                && row.usage().dmem().stream().anyMatch(dmem -> dmem.currentBytes() > 0))).as("dmem charged to a cgroup").isTrue();
        assertThat(rows.stream().anyMatch(row -> row.unaccounted().get(Policy.rfc) > 0)).as("a cgroup's unaccounted bytes").isTrue();
    }

    /** The flaw shows as counter mismatches, and changes nothing else: the policies do not read the counter. */
    @Test
    void theForkFlawShowsAsCounterMismatchesAndLeavesEveryOtherFigureAlone() {
        long mismatches = 0;
        for (long seed = 1; seed <= 10; seed++) {
            mismatches += run("fork-heavy", seed, true, new ArrayList<>(), new ArrayList<>()).counterMismatches();
        }
        assertThat(mismatches).isPositive();
    }

    /**
     * Runs one host, comparing as it goes; adds every set of figures it compared to {@code compared}, and every kill's
     * to {@code kills}.
     */
    private static HostModel run(String scenario, long seed, boolean forkFlaw, List<Compared> compared, List<OomKillFigures> kills) {
        HostSimulation host = new HostSimulation("host-" + seed, seed, Scenarios.parse(scenario), forkFlaw, SNAPSHOT_EVERY);
        HostModel model = new HostModel(host.host());
        String story = scenario + ", seed " + seed + (forkFlaw ? ", fork flaw" : "");
        while (host.events() < EVENTS_PER_HOST) {
            List<Event> events = host.step();
            if (events.isEmpty()) {
                continue;
            }
            Event last = events.get(events.size() - 1);
            boolean snapshot = last.body() instanceof HostSnapshot;
            for (Event event : snapshot ? events.subList(0, events.size() - 1) : events) {
                assertThat(OomPostMortems.apply(model, event, -1)).as("%s: applying %s", story, event).isEqualTo(ApplyResult.APPLIED);
            }
            if (snapshot) {
                HostTruth truth = host.truth();
                compared.add(assertAgree(model, truth, story + ", folded up to seq " + truth.seq()));
                assertThat(model.apply(last)).as("%s: applying the snapshot at seq %d", story, last.seq()).isEqualTo(ApplyResult.APPLIED);
                assertAgree(model, truth, story + ", restored from the snapshot at seq " + truth.seq());
            }
            for (OomKillTruth kill : host.takeOomKills()) {
                OomKillFigures expected = OomKillFigures.fromTruth(kill);
                OomPostMortem postMortem = model.oomKills().stream().filter(kept -> kept.seq() == kill.seq()).findFirst()
                        .orElseThrow(() -> new AssertionError(story + ": no post-mortem of the OOM kill at seq " + kill.seq()));
                assertThat(OomKillFigures.of(postMortem)).as("%s: post-mortem of the OOM kill at seq %d", story, kill.seq())
                        .usingRecursiveComparison().isEqualTo(expected);
                kills.add(expected);
            }
        }
        HostTruth truth = host.truth();
        compared.add(assertAgree(model, truth, story + ", at the end (seq " + truth.seq() + ")"));
        return model;
    }

    /** The figures of a host and of its cgroups that both sides agreed on. */
    record Compared(HostFigures host, Map<String, CgroupRows> cgroups) {
    }

    private static Compared assertAgree(HostModel model, HostTruth truth, String where) {
        HostFigures expected = HostFigures.fromTruth(truth);
        HostFigures actual = HostFigures.of(model);
        if (!actual.equals(expected)) {
            assertThat(actual).as("aggregator against ground truth, %s", where).usingRecursiveComparison().isEqualTo(expected);
        }
        Map<String, CgroupRows> expectedCgroups = CgroupRows.fromTruth(truth);
        Map<String, CgroupRows> actualCgroups = CgroupRows.of(model);
        if (!actualCgroups.equals(expectedCgroups)) {
            assertThat(actualCgroups).as("cgroups of the aggregator against ground truth, %s", where).usingRecursiveComparison()
                    .isEqualTo(expectedCgroups);
        }
        return new Compared(expected, expectedCgroups);
    }
}
