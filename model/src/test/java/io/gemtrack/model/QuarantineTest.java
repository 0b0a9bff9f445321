package io.gemtrack.model;

import static io.gemtrack.model.HostScript.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md §10: an unexpected error in the fold quarantines its host until a snapshot or a new boot. */
class QuarantineTest {

    /** Process 100 holds object 1 through its handle in file 1; then the object forgets its holder, as a bug might. */
    private static HostScript brokenHost() {
        HostScript host = HostScript.withGpu().apply(
                new ProcessFork(100, 1, "app", false),
                new DrmFileOpen(100, 3, 1, 0),
                new GemCreate(1, 0, "vram", MIB, 100, 1, 1));
        ModelFaults.forgetHolder(host.model(), 1, 100);
        return host;
    }

    @Test
    void errorInTheFoldQuarantinesTheHostWhoseEventsAreThenSkippedUntilASnapshot() {
        HostScript host = brokenHost();

        ApplyResult result = host.send(new GemHandleDelete(1, 1));
        assertThat(result).isInstanceOfSatisfying(ApplyResult.Quarantined.class, quarantined -> {
            assertThat(quarantined.reason()).startsWith("applying GemHandleDelete seq 5 failed: java.lang.NullPointerException");
            assertThat(quarantined.cause()).isInstanceOf(NullPointerException.class);
        });
        assertThat(host.model().quarantineReason()).contains(((ApplyResult.Quarantined) result).reason());
        long skippedBefore = host.model().skippedEvents();
        String kept = host.dump();

        assertThat(host.send(new ProcessFork(200, 1, "later", false))).isEqualTo(ApplyResult.QUARANTINE_SKIPPED);
        assertThat(host.send(new ProcessFork(201, 1, "later", false))).isEqualTo(ApplyResult.QUARANTINE_SKIPPED);
        assertThat(host.dump()).as("the state is kept as the failure left it").isEqualTo(kept);
        assertThat(host.model().skippedEvents()).isEqualTo(skippedBefore + 2);
        assertThat(host.model().lastSeq()).isEqualTo(7);

        host.apply(new HostSnapshot(HostScript.MEMORY, List.of(HostScript.GPU), List.of(), List.of(), List.of(), List.of(), List.of()));
        assertThat(host.model().quarantineReason()).isEmpty();
        host.apply(new ProcessFork(300, 1, "after", false));
        assertThat(host.model().processes()).extracting(Process::pid).containsExactly(300);
    }

    @Test
    void rejectedSnapshotLeavesTheHostQuarantinedAndANewBootReleasesIt() {
        HostScript host = brokenHost();
        host.send(new GemHandleDelete(1, 1));

        host.assertRejected(new HostSnapshot(HostScript.MEMORY, List.of(), List.of(
                new SnapshotProcess(100, 1, "x", List.of(), 0, Process.zeroCounters(100), List.of(new SnapshotFd(3, 9, 0)), List.of())),
                List.of(), List.of(), List.of(), List.of()), "unknown DRM file 9");
        assertThat(host.model().quarantineReason()).isPresent();

        host.reboot("boot-2");
        host.apply(new ProcessFork(500, 1, "init", false));
        assertThat(host.model().quarantineReason()).isEmpty();
        assertThat(host.model().bootId()).isEqualTo("boot-2");
        assertThat(host.model().processes()).extracting(Process::pid).containsExactly(500);
    }

    @Test
    void runtimeQuarantinesAHostItCannotExportAndTheCheckpointOfThatKeepsItsBookkeepingWithoutItsState() throws Exception {
        HostScript host = HostScript.withGpu().apply(new ProcessFork(100, 1, "app", false));
        host.model().quarantine("metrics export failed: boom");
        host.model().quarantine("a second reason");
        assertThat(host.model().quarantineReason()).contains("metrics export failed: boom");
        assertThat(host.send(new ProcessFork(101, 1, "skipped", false))).isEqualTo(ApplyResult.QUARANTINE_SKIPPED);

        CheckpointCodec codec = new CheckpointCodec();
        HostModel restored = HostModel.restore(codec.decode(codec.encode(host.model().checkpointWithoutState())));
        assertThat(restored.lastSeq()).isEqualTo(host.model().lastSeq());
        assertThat(restored.bootId()).isEqualTo("boot-1");
        assertThat(restored.skippedEvents()).isEqualTo(1);
        assertThat(restored.processes()).isEmpty();
        assertThat(restored.totalPages()).isZero();
    }
}
