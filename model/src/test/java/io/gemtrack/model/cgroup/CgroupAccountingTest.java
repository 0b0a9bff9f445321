package io.gemtrack.model.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.HostScript;
import io.gemtrack.oom.WhatIfKilled;
import io.gemtrack.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pod of two containers sharing a buffer between them and another with a compositor outside the pod: what each
 * level of the tree is charged, what killing the pod frees, and the memcg OOM victim inside its limit.
 */
class CgroupAccountingTest {

    private static final long MIB = HostScript.MIB;
    private static final String POD = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice";
    private static final String APP = POD + "/cri-containerd-app.scope";
    private static final String SIDECAR = POD + "/cri-containerd-sidecar.scope";
    private static final String SESSION = "/user.slice/user-1000.slice/session-2.scope";

    /** pid 10 (app) and 11 (sidecar) share buffer 1 (8 MiB); 10 shares buffer 2 (4 MiB) with the compositor 20. */
    private static HostScript pod() {
        return HostScript.withGpu().apply(
                new ProcessFork(10, 1, "app", false, APP),
                new ProcessFork(11, 1, "sidecar", false, SIDECAR),
                new ProcessFork(20, 1, "weston", false, SESSION),
                new DrmFileOpen(10, 3, 1, 0), new DrmFileOpen(11, 3, 2, 0), new DrmFileOpen(20, 3, 3, 0),
                new GemCreate(1, 0, "vram", 8 * MIB, 10, 1, 1), new GemPin(1, 8 * MIB),
                new DmaBufExport(1, 100, 10, 4), new DmaBufFdInstall(11, 4, 100, FdOrigin.UNIX_SOCKET),
                new DmaBufImport(100, 2, 1), new FdClose(11, 4), new FdClose(10, 4),
                new GemCreate(2, 0, "vram", 4 * MIB, 10, 1, 2), new GemPin(2, 4 * MIB),
                new DmaBufExport(2, 200, 10, 4), new DmaBufFdInstall(20, 4, 200, FdOrigin.UNIX_SOCKET),
                new DmaBufImport(200, 3, 1), new FdClose(20, 4), new FdClose(10, 4),
                new MmCounters(10, 0, 100 * MIB, 0, 0, MIB, 0), new MmCounters(11, 0, 50 * MIB, 0, 0, MIB, 0),
                new ResourceUsage(POD, 160 * MIB, 256 * MIB, List.of()));
    }

    @Test
    void aBufferTwoContainersOfThePodHoldCountsOnceForThePodUnderHolder() {
        CgroupTree tree = CgroupAccounting.of(pod().model());

        CgroupFigures pod = tree.cgroup(POD).orElseThrow();
        assertThat(pod.pids()).containsExactly(10, 11);
        assertThat(pod.charged().get(Policy.holder)).isEqualTo(12 * MIB);
        assertThat(tree.cgroup(APP).orElseThrow().charged().get(Policy.holder)).isEqualTo(12 * MIB);
        assertThat(tree.cgroup(SIDECAR).orElseThrow().charged().get(Policy.holder)).isEqualTo(8 * MIB);
        // proportional splits as per process: 4 MiB each of buffer 1, 2 MiB of buffer 2 to the app
        assertThat(pod.charged().get(Policy.proportional)).isEqualTo(10 * MIB);
        assertThat(pod.charged().get(Policy.rfc)).isEqualTo(12 * MIB);
        assertThat(tree.cgroup("/").orElseThrow().charged().get(Policy.holder)).isEqualTo(12 * MIB);
    }

    @Test
    void killingThePodFreesOnlyTheBufferNoOneOutsideHolds() {
        HostModel host = pod().model();
        CgroupFigures pod = CgroupAccounting.of(host).cgroup(POD).orElseThrow();

        assertThat(pod.freeableGpuBytes()).isEqualTo(8 * MIB);
        assertThat(pod.freedByKillBytes()).isEqualTo(8 * MIB + 150 * MIB + 2 * MIB);
        WhatIfKilled kill = CgroupAccounting.whatIfKilled(host, pod);
        assertThat(kill.freedObjects()).extracting(WhatIfKilled.FreedObject::object).containsExactly(1L);
        assertThat(kill.stillHeld()).singleElement().satisfies(held -> {
            assertThat(held.object()).isEqualTo(2);
            assertThat(held.holdersLeft()).containsExactly(20);
        });
        // Alone, the app frees nothing of buffer 1, which the sidecar keeps.
        assertThat(CgroupAccounting.of(host).cgroup(APP).orElseThrow().freeableGpuBytes()).isZero();
    }

    @Test
    void theMemcgOomKillerPicksInsideThePodAgainstItsLimit() {
        CgroupFigures pod = CgroupAccounting.of(pod().model()).cgroup(POD).orElseThrow();

        assertThat(pod.oom()).containsOnlyKeys(Policy.all());
        assertThat(pod.oom().get(Policy.holder).victim().pid()).isEqualTo(10);
        assertThat(pod.oom().get(Policy.holder).totalPages()).isEqualTo(256 * MIB / EventBody.PAGE_SIZE);
        assertThat(pod.oom().get(Policy.holder).candidates()).extracting(candidate -> candidate.pid()).containsExactly(10, 11);
        assertThat(CgroupAccounting.of(pod().model()).cgroup(SESSION).orElseThrow().oom()).isEmpty();
    }

    @Test
    void aMigratedProcessIsChargedWhereItIsNowAndAFreshForkWhereItsParentIs() {
        HostScript host = pod().apply(new ProcessMigrate(11, APP), new ProcessFork(12, 11, "worker", false));
        CgroupTree tree = CgroupAccounting.of(host.model());

        assertThat(tree.cgroup(APP).orElseThrow().pids()).containsExactly(10, 11, 12);
        assertThat(tree.cgroup(APP).orElseThrow().freeableGpuBytes()).isEqualTo(8 * MIB);
        assertThat(tree.cgroup(SIDECAR)).isEmpty();
    }

    @Test
    void aCgroupIsRemovedOnlyOnceEmptyAndItsSampleGoes() {
        HostScript host = pod();
        host.assertRejected(new ResourceGroupRemove(POD), "cgroup " + POD + " is not empty");
        host.apply(new ProcessMigrate(10, SESSION), new ProcessMigrate(11, SESSION));
        assertThat(host.send(new ResourceGroupRemove(POD))).isEqualTo(ApplyResult.APPLIED);

        assertThat(host.model().resourceUsage()).isEmpty();
        assertThat(CgroupAccounting.of(host.model()).cgroup(POD)).isEmpty();
    }

    @Test
    void cgroupsSurviveACheckpoint() {
        HostModel model = pod().model();
        HostModel restored = HostModel.restore(model.checkpoint());

        assertThat(restored.process(11).cgroup()).isEqualTo(SIDECAR);
        assertThat(restored.resourceUsage()).containsExactlyElementsOf(model.resourceUsage());
        assertThat(CgroupAccounting.of(restored).cgroup(POD)).isEqualTo(CgroupAccounting.of(model).cgroup(POD));
    }
}
