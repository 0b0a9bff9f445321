package io.gemtrack.model;

import static io.gemtrack.model.HostScript.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md §8: duplicates, gaps, boots, and snapshots that replace a host's state. */
class SequenceAndSnapshotTest {

    private static final MmCounters APP_COUNTERS = new MmCounters(100, 4 * MIB, 8 * MIB, 0, 0, MIB, 2304);

    /**
     * App 100 (thread 101) created object 1 (8 MiB pinned, mapped twice) and CMA object 3; client 200 created
     * object 2 (4 of 8 MiB pinned), shared it as dma-buf 1000 with the app, then exec'ed.
     */
    private static HostScript foldedHost() {
        return HostScript.withGpu().apply(
                new ProcessFork(100, 1, "app", false),
                new ProcessFork(101, 100, "worker", true),
                new OomScoreAdj(100, 500),
                new ProcessFork(200, 1, "client", false),
                new DrmFileOpen(100, 3, 1, 0),
                new DrmFileOpen(200, 3, 2, 0),
                new GemCreate(1, 0, "system", 8 * MIB, 100, 1, 1),
                new GemPin(1, 8 * MIB),
                new GemMmap(101, 1),
                new GemMmap(100, 1),
                new GemCreate(2, 0, "vram", 8 * MIB, 200, 2, 1),
                new GemPin(2, 4 * MIB),
                new DmaBufExport(2, 1000, 200, 4),
                new DmaBufImport(1000, 1, 2),
                new GemCreate(3, 0, "cma", MIB, 100, 1, 3),
                new ProcessExec(200, "client2"),
                APP_COUNTERS);
    }

    /** The state of {@link #foldedHost()}, as a host would report it. */
    private static HostSnapshot snapshotOfFoldedHost() {
        return new HostSnapshot(HostScript.MEMORY, List.of(HostScript.GPU),
                List.of(new SnapshotProcess(100, 1, "app", List.of(101), 500, APP_COUNTERS,
                                List.of(new SnapshotFd(3, 1, 0)), List.of(new SnapshotMapping(1, 2))),
                        new SnapshotProcess(200, 1, "client2", List.of(), 0, Process.zeroCounters(200),
                                List.of(new SnapshotFd(3, 2, 0), new SnapshotFd(4, 0, 1000)), List.of())),
                List.of(new SnapshotFile(1, 0, List.of(new SnapshotHandle(1, 1), new SnapshotHandle(2, 2), new SnapshotHandle(3, 3))),
                        new SnapshotFile(2, 0, List.of(new SnapshotHandle(1, 2)))),
                List.of(new SnapshotObject(1, 0, "system", 8 * MIB, 100, true, 8 * MIB),
                        new SnapshotObject(2, 0, "vram", 8 * MIB, 200, false, 4 * MIB),
                        new SnapshotObject(3, 0, "cma", MIB, 100, true, MIB)),
                List.of(new SnapshotDmaBuf(1000, 2)), List.of());
    }

    @Test
    void snapshotRestoresExactlyTheStateTheEventsFolded() {
        HostScript restored = new HostScript().apply(snapshotOfFoldedHost());

        assertThat(restored.dump()).isEqualTo(foldedHost().dump());
    }

    @Test
    void duplicateIsIgnored() {
        HostScript host = foldedHost();
        Event fork = host.next(new ProcessFork(300, 1, "late", false));
        assertThat(host.model().apply(fork)).isEqualTo(ApplyResult.APPLIED);
        String before = host.dump();

        assertThat(host.model().apply(fork)).isEqualTo(ApplyResult.DUPLICATE);
        assertThat(host.dump()).isEqualTo(before);
        assertThat(host.model().sequenceGaps()).isZero();
    }

    /** A rejected event's seq counts as delivered: the next seq follows it, and the same event sent again is a duplicate. */
    @Test
    void rejectedEventIsNoGap() {
        HostScript host = foldedHost();
        Event unknownObject = host.next(new GemFree(42));
        assertThat(host.model().apply(unknownObject)).isInstanceOf(ApplyResult.Rejected.class);
        host.assertRejected(new GemFree(1), "still has");

        host.apply(new ProcessFork(300, 1, "next", false));
        assertThat(host.model().sequenceGaps()).isZero();
        assertThat(host.model().synchronised()).isTrue();
        assertThat(host.model().apply(unknownObject)).as("the rejected event sent again").isEqualTo(ApplyResult.DUPLICATE);
    }

    @Test
    void gapUnsynchronisesTheHostUntilASnapshotReplacesItsState() {
        HostScript host = HostScript.withGpu().apply(new ProcessFork(900, 1, "gone-later", false));
        host.lose(3);

        assertThat(host.send(new ProcessFork(901, 1, "lost-context", false))).isEqualTo(ApplyResult.SKIPPED);
        assertThat(host.send(new ProcessFork(902, 1, "lost-context", false))).isEqualTo(ApplyResult.SKIPPED);
        assertThat(host.model().synchronised()).isFalse();
        assertThat(host.model().sequenceGaps()).isEqualTo(3);
        assertThat(host.model().skippedEvents()).isEqualTo(2);
        assertThat(host.model().process(901)).isNull();

        host.apply(snapshotOfFoldedHost());
        assertThat(host.model().synchronised()).isTrue();
        assertThat(host.model().process(900)).isNull();
        assertThat(host.dump()).isEqualTo(foldedHost().dump());

        host.apply(new ProcessFork(903, 1, "after", false));
        assertThat(host.model().process(903)).isNotNull();
        assertThat(host.model().sequenceGaps()).isEqualTo(3);
    }

    @Test
    void newBootStartsOverFromAnEmptyState() {
        HostScript host = foldedHost();
        host.reboot("boot-2");

        host.apply(new ProcessFork(500, 1, "init", false));
        assertThat(host.model().bootId()).isEqualTo("boot-2");
        assertThat(host.model().processes()).extracting(Process::pid).containsExactly(500);
        assertThat(host.model().objects()).isEmpty();
        assertThat(host.model().totalPages()).isZero();
        assertThat(host.model().sequenceGaps()).isZero();
    }

    @Test
    void newBootSeenMidwayIsAGapUnlessItStartsWithASnapshot() {
        HostScript host = foldedHost();
        host.reboot("boot-2");
        host.lose(5);
        assertThat(host.send(new ProcessFork(500, 1, "init", false))).isEqualTo(ApplyResult.SKIPPED);
        assertThat(host.model().sequenceGaps()).isEqualTo(5);
        assertThat(host.model().objects()).isEmpty();

        host.reboot("boot-3");
        host.lose(7);
        host.apply(snapshotOfFoldedHost());
        assertThat(host.model().sequenceGaps()).isEqualTo(5);
        assertThat(host.model().synchronised()).isTrue();
        assertThat(host.model().objects()).hasSize(3);
    }

    /** Case 5 of the issue: a rejected snapshot that starts a new boot left the host synchronised and empty. */
    @Test
    void rejectedSnapshotOfANewBootLeavesTheHostExactlyAsItWasInItsOldBoot() {
        HostScript host = foldedHost();
        String before = host.dump();
        long lastSeq = host.model().lastSeq();
        host.reboot("boot-2");

        ApplyResult result = host.send(new HostSnapshot(HostScript.MEMORY, List.of(), List.of(
                new SnapshotProcess(100, 1, "x", List.of(), 0, Process.zeroCounters(100), List.of(new SnapshotFd(3, 9, 0)), List.of())),
                List.of(), List.of(), List.of(), List.of()));

        assertThat(result).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(host.dump()).isEqualTo(before);
        assertThat(host.model().bootId()).isEqualTo("boot-1");
        assertThat(host.model().lastSeq()).isEqualTo(lastSeq);
        assertThat(host.model().synchronised()).isTrue();
        assertThat(host.model().sequenceGaps()).isZero();

        assertThat(host.send(new ProcessFork(500, 1, "init", false))).as("the new boot's next event: its snapshot is missing")
                .isEqualTo(ApplyResult.SKIPPED);
        assertThat(host.model().bootId()).isEqualTo("boot-2");
        assertThat(host.model().sequenceGaps()).isEqualTo(1);
    }

    @Test
    void rejectedFirstEventOfANewBootLeavesTheHostInItsOldBoot() {
        HostScript host = foldedHost();
        String before = host.dump();
        host.reboot("boot-2");

        assertThat(host.send(new GemFree(1))).isInstanceOf(ApplyResult.Rejected.class);

        assertThat(host.dump()).isEqualTo(before);
        assertThat(host.model().bootId()).isEqualTo("boot-1");
    }

    @Test
    void rejectedSnapshotOfTheSameBootCountsAsDeliveredAndChangesNothingElse() {
        HostScript host = foldedHost();
        String before = host.dump();
        long lastSeq = host.model().lastSeq();

        host.assertRejected(new HostSnapshot(HostScript.MEMORY, List.of(), List.of(), List.of(), List.of(new SnapshotObject(1, 0,
                "cma", MIB, 100, true, 0, 0, 0, 0)), List.of(), List.of()), "unknown pid 100");

        assertThat(host.dump()).isEqualTo(before);
        assertThat(host.model().lastSeq()).isEqualTo(lastSeq + 1);
        assertThat(host.model().synchronised()).isTrue();
    }
}
