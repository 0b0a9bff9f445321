package io.gemtrack.model;

import static io.gemtrack.model.HostScript.MIB;
import static io.gemtrack.model.PolicyAccountingTest.assertCharges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.policy.Policy;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md §1: fork, threads, exec and exit, and what they do to holders and creators. */
class ProcessLifecycleTest {

    private static final int PARENT = 100;
    private static final int CHILD = 300;

    /** Process 100 holds pinned object 1 (8 MiB) through fd 3 and maps it twice; its oom_score_adj is 500. */
    private static HostScript parentWithBuffer() {
        return HostScript.withGpu().apply(
                new ProcessFork(PARENT, 1, "app", false),
                new OomScoreAdj(PARENT, 500),
                new DrmFileOpen(PARENT, 3, 1, 0),
                new GemCreate(1, 0, "system", 8 * MIB, PARENT, 1, 1),
                new GemPin(1, 8 * MIB),
                new GemMmap(PARENT, 1),
                new GemMmap(PARENT, 1),
                new MmCounters(PARENT, 4 * MIB, 8 * MIB, 0, 0, MIB, 2048));
    }

    @Test
    void forkCopiesFdsMappingsAndOomScoreAdjButNotTheCreatorOrTheCounters() {
        HostScript host = parentWithBuffer().apply(new ProcessFork(CHILD, PARENT, "app", false));

        Process child = host.model().process(CHILD);
        assertThat(child.oomScoreAdj()).isEqualTo(500);
        assertThat(child.counters()).isEqualTo(Process.zeroCounters(CHILD));
        assertThat(child.fds()).containsOnlyKeys(3);
        GemObject buffer = host.model().object(1);
        assertThat(buffer.mappings()).isEqualTo(4);
        assertThat(buffer.referencesBy(child)).isEqualTo(3);
        assertCharges(host, PARENT, 0, 8 * MIB, 8 * MIB, 4 * MIB, 8 * MIB, 0);
        assertCharges(host, CHILD, 0, 0, 0, 4 * MIB, 8 * MIB, 0);

        host.apply(new GemMunmap(CHILD, 1), new GemMunmap(CHILD, 1), new FdClose(CHILD, 3));
        assertThat(buffer.isHeldBy(child)).isFalse();
        assertCharges(host, PARENT, 0, 8 * MIB, 8 * MIB, 8 * MIB, 8 * MIB, 8 * MIB);
    }

    @Test
    void parentExitLeavesTheForkedChildAsSoleHolderOfAnOrphan() {
        HostScript host = parentWithBuffer().apply(
                new ProcessFork(CHILD, PARENT, "app", false),
                new ProcessExit(PARENT));

        assertCharges(host, CHILD, 0, 0, 0, 8 * MIB, 8 * MIB, 8 * MIB);
        assertThat(host.model().ledger().orphanedBytes()).isEqualTo(8 * MIB);
        assertThat(host.model().object(1).mappings()).isEqualTo(2);
    }

    @Test
    void forkFromAnUnknownParentStartsEmpty() {
        HostScript host = HostScript.withGpu().apply(new ProcessFork(CHILD, 1, "init-child", false));

        Process child = host.model().process(CHILD);
        assertThat(child.parentPid()).isEqualTo(1);
        assertThat(child.oomScoreAdj()).isZero();
        assertThat(child.fds()).isEmpty();
    }

    @Test
    void execGivesANewMmSoTheOldMmsObjectsAreOrphanedAndMappingsAndCountersGo() {
        HostScript host = parentWithBuffer().apply(
                new ProcessFork(101, PARENT, "worker", true),
                new ProcessExec(PARENT, "newapp"));

        Process process = host.model().process(PARENT);
        assertThat(process.comm()).isEqualTo("newapp");
        assertThat(process.counters()).isEqualTo(Process.zeroCounters(PARENT));
        assertThat(process.threads()).isEmpty();
        assertThat(host.model().process(101)).isNull();
        GemObject buffer = host.model().object(1);
        assertThat(buffer.mappings()).isZero();
        assertThat(buffer.creatorMmAlive()).isFalse();
        // The fd table survives exec, so the process still holds the object through its handle.
        assertCharges(host, PARENT, 0, 0, 0, 8 * MIB, 8 * MIB, 8 * MIB);
        assertThat(host.model().ledger().orphanedBytes()).isEqualTo(8 * MIB);

        host.apply(new GemCreate(2, 0, "system", 2 * MIB, PARENT, 1, 2), new GemPin(2, MIB));
        assertThat(host.charged(PARENT, Policy.rfc)).isEqualTo(2 * MIB);
    }

    @Test
    void threadsShareTheGroupsMmFdsAndOomScoreAdjAndLeaveAlone() {
        HostScript host = parentWithBuffer().apply(
                new ProcessFork(101, PARENT, "worker", true),
                new GemMmap(101, 1),
                new MmCounters(101, 0, 16 * MIB, 0, 0, MIB, 2048),
                new OomScoreAdj(101, -100),
                new DrmFileOpen(101, 4, 2, 0));

        Process group = host.model().process(PARENT);
        assertThat(host.model().process(101)).isSameAs(group);
        assertThat(host.model().processes()).extracting(Process::pid).containsExactly(PARENT);
        assertThat(group.threads()).containsExactly(101);
        assertThat(group.counters().anonBytes()).isEqualTo(16 * MIB);
        assertThat(group.oomScoreAdj()).isEqualTo(-100);
        assertThat(group.fds()).containsOnlyKeys(3, 4);
        assertThat(host.model().object(1).mappings()).isEqualTo(3);

        host.apply(new ProcessExit(101));
        assertThat(host.model().process(101)).isNull();
        assertThat(group.threads()).isEmpty();
        assertThat(host.model().object(1).mappings()).isEqualTo(3);
        assertCharges(host, PARENT, 0, 8 * MIB, 8 * MIB, 8 * MIB, 8 * MIB, 8 * MIB);
    }

    @Test
    void leaderExitEndsTheWholeGroup() {
        HostScript host = parentWithBuffer().apply(
                new ProcessFork(101, PARENT, "worker", true),
                new ProcessExit(PARENT));

        assertThat(host.model().process(PARENT)).isNull();
        assertThat(host.model().process(101)).isNull();
        GemObject buffer = host.model().object(1);
        assertThat(buffer.holders()).isEmpty();
        assertThat(buffer.mappings()).isZero();
        assertThat(host.model().ledger().unaccounted(Policy.proportional)).isEqualTo(8 * MIB);
    }

    @Test
    void execByAThreadKeepsTheGroupUnderItsLeadersPid() {
        HostScript host = parentWithBuffer().apply(
                new ProcessFork(101, PARENT, "worker", true),
                new ProcessExec(101, "newapp"));

        assertThat(host.model().processes()).extracting(Process::pid, Process::comm).containsExactly(
                tuple(PARENT, "newapp"));
        assertThat(host.model().process(101)).isNull();
    }
}
