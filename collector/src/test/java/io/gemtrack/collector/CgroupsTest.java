package io.gemtrack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.cgroup.CgroupAccounting;
import io.gemtrack.model.cgroup.CgroupFigures;
import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.KernelFixtures;
import io.gemtrack.testkit.ProcTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cgroups on a real host's interfaces: {@code /proc/PID/cgroup} and the cgroup v2 files ({@code memory.current},
 * {@code memory.max}, {@code dmem.current}, {@code dmem.max}) in the kernel's formats, folded by the aggregator's
 * model; a cgroup v1 host reports every process in the root.
 */
class CgroupsTest {

    private static final long MIB = 1 << 20;
    private static final String POD = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8d5a0d7c_5b1e_4f6a_9c3d_2e1f0a9b8c7d.slice";
    private static final String CONTAINER = POD + "/cri-containerd-4f1c6b0e8a3d2c5b7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f.scope";
    private static final String SERVICE = "/system.slice/dataloader.service";

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final AggregatorReferee referee = new AggregatorReferee();
    private Collector collector;

    private List<EventBody> sample(ProcTree tree) throws IOException {
        if (collector == null) {
            collector = new Collector(new ProcFs(tree.root()), ProcTree.HOSTNAME, () -> clock.getAndAdd(1_000_000));
        }
        return referee.accept(collector.sample()).stream().map(Event::body).toList();
    }

    /** The xe training job and its two data loaders, all in one container of a pod with a limit. */
    private ProcTree trainingPod() {
        ProcTree tree = KernelFixtures.xe(dir).cgroupV2("cpuset cpu io memory hugetlb pids rdma misc dmem");
        tree.process(4000, "python3", 1, 3900).cgroup(CONTAINER);
        tree.process(4010, "pt_data_worker", 4000, 3950).cgroup(CONTAINER);
        tree.process(4011, "pt_data_worker", 4000, 3951).cgroup(CONTAINER);
        for (String cgroup : List.of("/kubepods.slice", "/kubepods.slice/kubepods-burstable.slice", POD, CONTAINER)) {
            tree.cgroupFile(cgroup, "memory.current", "734003200\n")
                    .cgroupFile(cgroup, "memory.max", cgroup.equals(CONTAINER) ? "1073741824\n" : "max\n")
                    .cgroupFile(cgroup, "dmem.current", "drm/0000:03:00.0/vram0 5368709120\n")
                    .cgroupFile(cgroup, "dmem.max", cgroup.equals(POD) ? "drm/0000:03:00.0/vram0 8589934592\n"
                            : "drm/0000:03:00.0/vram0 max\n");
        }
        return tree;
    }

    @Test
    void everyProcessIsInTheCgroupItsProcFileNamesAndTheLimitsAreSampled() throws IOException {
        ProcTree tree = trainingPod();

        sample(tree);

        HostModel model = referee.model();
        assertThat(model.process(4010).cgroup()).isEqualTo(CONTAINER);
        ResourceUsage container = model.resourceUsage().stream().filter(usage -> usage.cgroup().equals(CONTAINER)).findFirst()
                .orElseThrow();
        assertThat(container.memoryCurrentBytes()).isEqualTo(700 * MIB);
        assertThat(container.memoryMaxBytes()).isEqualTo(1024 * MIB);
        assertThat(container.dmem()).singleElement().satisfies(dmem -> {
            assertThat(dmem.region()).isEqualTo("vram0");
            assertThat(dmem.currentBytes()).isEqualTo(5120 * MIB);
            assertThat(dmem.maxBytes()).isEqualTo(EventBody.NO_LIMIT);
        });
        assertThat(model.resourceUsage()).extracting(ResourceUsage::cgroup)
                .containsExactly("/kubepods.slice", "/kubepods.slice/kubepods-burstable.slice", POD, CONTAINER);
        assertThat(model.resourceUsage().stream().filter(usage -> usage.cgroup().equals(POD)).findFirst().orElseThrow().dmem())
                .extracting(DmemRegion::maxBytes).containsExactly(8192 * MIB);
        // One client held by the three processes: the pod is charged its memory once under holder.
        CgroupFigures pod = CgroupAccounting.of(model).cgroup(POD).orElseThrow();
        assertThat(pod.pids()).containsExactly(4000, 4010, 4011);
        assertThat(pod.charged().get(Policy.holder)).isEqualTo(model.process(4000).charged(Policy.holder)).isPositive();
        assertThat(pod.oom()).isEmpty();
        assertThat(CgroupAccounting.of(model).cgroup(CONTAINER).orElseThrow().oom()).containsOnlyKeys(Policy.all());
    }

    @Test
    void aProcessMovedToAnotherCgroupMigratesAndAnEmptiedCgroupIsRemoved() throws IOException {
        ProcTree tree = trainingPod();
        sample(tree);
        tree.cgroupFile(SERVICE, "memory.current", "104857600\n").cgroupFile(SERVICE, "memory.max", "max\n")
                .cgroupFile("/system.slice", "memory.current", "524288000\n").cgroupFile("/system.slice", "memory.max", "max\n");
        tree.process(4000, "python3", 1, 3900).cgroup(SERVICE);
        tree.process(4010, "pt_data_worker", 4000, 3950).cgroup(SERVICE);
        tree.process(4011, "pt_data_worker", 4000, 3951).cgroup(SERVICE);

        List<EventBody> events = sample(tree);

        assertThat(events).filteredOn(ProcessMigrate.class::isInstance).hasSize(3);
        assertThat(events).filteredOn(ResourceGroupRemove.class::isInstance).extracting(body -> ((ResourceGroupRemove) body).cgroup())
                .containsExactly(CONTAINER, POD, "/kubepods.slice/kubepods-burstable.slice", "/kubepods.slice");
        assertThat(referee.model().process(4011).cgroup()).isEqualTo(SERVICE);
        assertThat(referee.model().resourceUsage()).extracting(ResourceUsage::cgroup).containsExactly("/system.slice", SERVICE);
    }

    @Test
    void aCgroupV1HostHasEveryProcessInTheRootAndNoSamples() throws IOException {
        ProcTree tree = KernelFixtures.xe(dir);
        // A cgroup v1 host (no unified hierarchy): a line per controller's hierarchy, no "0::" line.
        tree.process(4000, "python3", 1, 3900).cgroupFile("12:memory:/system.slice/train.service\n"
                + "11:cpu,cpuacct:/system.slice/train.service\n1:name=systemd:/system.slice/train.service\n");

        sample(tree);

        assertThat(new ProcFs(tree.root()).cgroupV2()).isFalse();
        assertThat(referee.model().process(4000).cgroup()).isEqualTo(EventBody.ROOT_CGROUP);
        assertThat(referee.model().resourceUsage()).isEmpty();
    }
}
