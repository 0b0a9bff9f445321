package io.gemtrack.collector;

import static io.gemtrack.testkit.ProcTree.fdinfo;
import static io.gemtrack.testkit.KernelFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.GemStatus;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.cgroup.CgroupAccounting;
import io.gemtrack.model.cgroup.CgroupFigures;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import io.gemtrack.policy.StatusFigure;
import io.gemtrack.testkit.KernelFixtures;
import io.gemtrack.testkit.ProcTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector against the kernel's own interfaces, one test for each way it read them wrong: fixture trees in the
 * kernel's formats in, the stream folded by the aggregator's model, its figures checked.
 */
class KernelInterfacesTest {

    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;
    /** Where the collector numbers accel nodes: apart from DRM minors, above any the kernel gives. */
    private static final int ACCEL_MINOR_BASE = 1 << 20;
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

    private HostModel model() {
        return referee.model();
    }

    /** GEM bytes by "minor/region". */
    private Map<String, Long> regionBytes() {
        Map<String, Long> bytes = new TreeMap<>();
        for (RegionUsage region : model().ledger().regions()) {
            if (region.gemBytes() > 0) {
                bytes.put(region.minor() + "/" + region.name(), region.gemBytes());
            }
        }
        return bytes;
    }

    @Test
    void drmAndAccelFdsAreFoundByTheMajorOfTheDeviceTheyReferTo() throws IOException {
        ProcTree tree = KernelFixtures.accel(dir);
        tree.process(800, "npu-infer", 1, 700).drmFd(8, "/dev/dri/renderD128", fdinfo("i915-no-memory-keys.txt"));

        sample(tree);

        assertThat(regionBytes()).containsExactly(Map.entry(ACCEL_MINOR_BASE + "/memory", 98304 * KIB));
        assertThat(model().process(800).charged(Policy.holder)).isEqualTo(81920 * KIB);
        assertThat(model().ledger().residentBytes()).isEqualTo(81920 * KIB);
    }

    @Test
    void theNodesOfOneDeviceAreOneDeviceKnownByItsPdevOrElseItsSysfsDevice() throws IOException {
        ProcTree tree = new ProcTree(dir);
        tree.device("/dev/dri/card0", KernelFixtures.MSM_DEVICE).device("/dev/dri/renderD128", KernelFixtures.MSM_DEVICE);
        tree.process(1, "systemd", 0, 1);
        tree.process(400, "kwin_wayland", 1, 300).drmFd(14, "/dev/dri/card0", fixture("msm", "compositor.fdinfo"));
        tree.process(900, "chromium", 1, 800).drmFd(21, "/dev/dri/renderD128", fixture("msm", "browser.fdinfo"));
        tree.process(1200, "steam", 1, 1100).drmFd(5, "/dev/dri/card1", fdinfo("amdgpu.txt"));
        tree.process(1300, "game", 1, 1250)
                .drmFd(6, "/dev/dri/renderD129", fdinfo("amdgpu.txt").replace("drm-client-id:\t42", "drm-client-id:\t43"));

        sample(tree);

        // Each device is named by the minor it was first seen through: the compositor's card0, steam's card1.
        assertThat(regionBytes()).containsOnlyKeys("0/memory", "1/doorbell", "1/gtt", "1/vram");
        assertThat(model().objects()).filteredOn(object -> object.regionName().equals("vram"))
                .allSatisfy(object -> assertThat(object.minor()).isEqualTo(1))
                .flatMap(object -> object.holders()).extracting(process -> process.pid()).containsExactlyInAnyOrder(1200, 1300);
    }

    @Test
    void aClientWithoutAClientIdIsKnownByTheFdItWasFirstSeenAtAndForkedChildrenShareIt() throws IOException {
        ProcTree tree = KernelFixtures.noClientId(dir);

        sample(tree);
        // The worker exits; the server's client stays the same file.
        tree.remove(710);
        List<EventBody> second = sample(tree);

        assertThat(model().gemBytes()).isEqualTo(24 * MIB + 8 * MIB);
        assertThat(model().ledger().residentBytes()).isEqualTo(20 * MIB + 8 * MIB);
        assertThat(model().process(700).charged(Policy.holder)).isEqualTo(20 * MIB);
        assertThat(second).extracting(event -> event.getClass().getSimpleName()).containsExactly("ProcessExit");
    }

    /** Resident bytes by "minor/region". */
    private Map<String, Long> regionResidentBytes() {
        Map<String, Long> bytes = new TreeMap<>();
        for (RegionUsage region : model().ledger().regions()) {
            if (region.residentBytes() > 0) {
                bytes.put(region.minor() + "/" + region.name(), region.residentBytes());
            }
        }
        return bytes;
    }

    @Test
    void residencyIsAsTheDriverFilesItSoVramEvictedToGttStaysResidentInGtt() throws IOException {
        ProcTree tree = new ProcTree(dir);
        tree.process(1, "systemd", 0, 1);
        tree.process(3000, "game", 1, 2900).drmFd(11, "/dev/dri/renderD128", fixture("amdgpu", "game-vram-evicted.fdinfo"));

        sample(tree);

        // drm-total: vram 3 GiB (by preferred placement), gtt 64 MiB; drm-resident: vram 2 GiB, gtt 1088 MiB (1 GiB
        // evicted from VRAM). The evicted gigabyte's size moves to gtt with its residency; nothing is counted twice.
        assertThat(regionResidentBytes()).containsExactly(Map.entry("128/doorbell", 8 * KIB), Map.entry("128/gtt", 1088 * MIB),
                Map.entry("128/vram", 2048 * MIB));
        assertThat(regionBytes()).containsExactly(Map.entry("128/doorbell", 8 * KIB), Map.entry("128/gtt", 1088 * MIB),
                Map.entry("128/vram", 2048 * MIB));
        assertThat(model().gemBytes()).isEqualTo(3072 * MIB + 64 * MIB + 8 * KIB);
        assertThat(model().process(3000).charged(Policy.resident)).isEqualTo(3136 * MIB + 8 * KIB);
    }

    @Test
    void privateAndSharedMemoryAreKeptApartAndSharedBuffersAreCountedOnce() throws IOException {
        sample(KernelFixtures.sharingCompositor(dir));

        // Private: total - shared of each client. Shared: kwin's 40 MiB of imports are the editor's 24 and the
        // player's 16; of those, the player's 8 MiB frame is the dma-buf both hold, the other 32 MiB have holders
        // fdinfo does not name.
        long privateBytes = (72 + 12) * MIB + (232 + 4) * MIB + (48 + 2) * MIB + 3 * 8 * KIB;
        assertThat(model().gemBytes()).isEqualTo(privateBytes + 32 * MIB + 8 * MIB);
        assertThat(model().process(2100).charged(Policy.holder)).isEqualTo(50 * MIB + 8 * KIB + 8 * MIB);
        assertThat(model().process(2100).charged(Policy.freeable)).isEqualTo(50 * MIB + 8 * KIB);
        assertThat(model().process(1500).charged(Policy.holder)).isEqualTo(84 * MIB + 8 * KIB + 8 * MIB);
        assertThat(model().process(1500).charged(Policy.proportional)).isEqualTo(84 * MIB + 8 * KIB + 4 * MIB);
        assertThat(model().ledger().unaccounted(Policy.holder)).isEqualTo(32 * MIB);
        assertThat(model().ledger().unaccounted(Policy.freeable)).isEqualTo(32 * MIB + 8 * MIB);
    }

    @Test
    void dmaBufsAreSharedByInodeAcrossFdTablesAndMappingsAndLiveOnInAMappingAlone() throws IOException {
        ProcTree tree = KernelFixtures.mappingOnly(dir);

        sample(tree);
        assertThat(model().gemBytes()).isEqualTo(12 * MIB);
        assertThat(model().process(600).charged(Policy.proportional)).isEqualTo(4 * MIB);
        assertThat(model().process(700).charged(Policy.holder)).isEqualTo(12 * MIB);
        assertThat(model().process(700).charged(Policy.freeable)).isZero();

        tree.process(700, "viewer", 1, 650).closeFd(5);
        sample(tree);
        assertThat(model().gemBytes()).isEqualTo(12 * MIB);
        assertThat(model().process(600).charged(Policy.proportional)).isEqualTo(6 * MIB);
        assertThat(model().process(610).charged(Policy.holder)).isEqualTo(12 * MIB);

        tree.process(600, "camera-service", 1, 500).unmap(KernelFixtures.PREVIEW_MAPPING);
        sample(tree);
        assertThat(model().process(610).charged(Policy.freeable)).isEqualTo(12 * MIB);

        tree.remove(610);
        sample(tree);
        assertThat(model().liveObjects()).isZero();
    }

    @Test
    void evictedBytesAndTheDevicesOwnUseOfItsRegionsAreFiguresOfTheirOwnAndSoIsWhatNoObjectAccountsFor() throws IOException {
        ProcTree tree = KernelFixtures.amdgpu(dir);

        HostSnapshot snapshot = (HostSnapshot) sample(tree).get(0);

        // amd-evicted-vram: the game's 1 GiB of VRAM-preferred buffers resident in GTT, on its gtt object.
        assertThat(snapshot.objects()).filteredOn(object -> object.evictedBytes() > 0)
                .extracting(SnapshotObject::region, SnapshotObject::sizeBytes, SnapshotObject::evictedBytes)
                .containsExactly(tuple("gtt", 1088 * MIB, 1024 * MIB));
        assertThat(model().process(3000).status(StatusFigure.evicted)).isEqualTo(1024 * MIB);
        assertThat(model().process(1500).status(StatusFigure.evicted)).isZero();
        assertThat(model().ledger().statusBytes(StatusFigure.evicted)).isEqualTo(1024 * MIB);
        // mem_info_vram_used and mem_info_gtt_used, and what the objects there hold resident.
        assertThat(snapshot.deviceMemory()).containsExactly(new DeviceMemory(0, "gtt", 1125 * MIB), new DeviceMemory(0, "vram", 2400 * MIB));
        assertThat(model().ledger().region(0, "vram").residentBytes()).isEqualTo((96 + 2032 + 16) * MIB);
        assertThat(model().ledger().region(0, "vram").unattributedBytes()).isEqualTo(256 * MIB);
        assertThat(model().ledger().region(0, "gtt").unattributedBytes()).isEqualTo(25 * MIB - 4 * KIB);
        assertThat(model().ledger().deviceUsedBytes()).isEqualTo(3525 * MIB);
        assertThat(model().ledger().unattributedDeviceBytes()).isEqualTo(281 * MIB - 4 * KIB);
        // GPUActive and GPUReclaim of /proc/meminfo.
        assertThat(model().memory().gpuActiveBytes()).isEqualTo(1124 * MIB);
        assertThat(model().memory().gpuReclaimBytes()).isEqualTo(96 * MIB);

        // The device's use changes, nothing else does: one event.
        tree.deviceAttribute(KernelFixtures.AMDGPU_DEVICE, "mem_info_vram_used", Long.toString(2600 * MIB));
        assertThat(sample(tree)).containsExactly(new DeviceMemory(0, "vram", 2600 * MIB));
        assertThat(model().ledger().unattributedDeviceBytes()).isEqualTo(481 * MIB - 4 * KIB);

        // No client left on the device: it is no longer read, and its figures are not left standing.
        tree.remove(1500);
        tree.remove(3000);
        assertThat(sample(tree)).filteredOn(DeviceMemory.class::isInstance)
                .containsExactly(new DeviceMemory(0, "gtt", 0), new DeviceMemory(0, "vram", 0));
        assertThat(model().ledger().deviceUsedBytes()).isZero();
    }

    @Test
    void activeBytesAreAFigureOfTheirOwnAndDmemCountsTheDevicesUse() throws IOException {
        ProcTree tree = KernelFixtures.xe(dir);

        HostSnapshot snapshot = (HostSnapshot) sample(tree).get(0);

        // drm-active-vram0: 1.5 GiB of the client the three processes share, each holding it.
        for (int pid : List.of(4000, 4010, 4011)) {
            assertThat(model().process(pid).status(StatusFigure.active)).isEqualTo(1536 * MIB);
        }
        assertThat(model().ledger().statusBytes(StatusFigure.active)).isEqualTo(1536 * MIB);
        // The root cgroup's dmem.current for the vram0 of the device drm-pdev names.
        assertThat(snapshot.deviceMemory()).containsExactly(new DeviceMemory(128, "vram0", 5632 * MIB));
        assertThat(model().ledger().unattributedDeviceBytes()).isEqualTo(512 * MIB);
        assertThat(model().memory().gpuActiveBytes()).isZero();

        // The job goes idle: the object's figures change, its size and residency do not.
        String idle = fixture("xe", "training.fdinfo").replace("drm-active-vram0:\t1536 MiB", "drm-active-vram0:\t0");
        tree.process(4000, "python3", 1, 3900).drmFd(5, "/dev/dri/renderD128", idle);
        tree.process(4010, "pt_data_worker", 4000, 3950).drmFd(5, "/dev/dri/renderD128", idle);
        tree.process(4011, "pt_data_worker", 4000, 3951).drmFd(5, "/dev/dri/renderD128", idle);
        assertThat(sample(tree)).singleElement().isInstanceOfSatisfying(GemStatus.class,
                status -> assertThat(status.activeBytes()).isZero());
        assertThat(model().process(4010).status(StatusFigure.active)).isZero();
    }

    @Test
    void purgeableBytesAreAFigureOfTheirOwn() throws IOException {
        HostSnapshot snapshot = (HostSnapshot) sample(KernelFixtures.i915(dir)).get(0);

        // Chrome's drm-purgeable-system0 and drm-active-local0; i915 exposes no use of its own.
        assertThat(model().process(2200).status(StatusFigure.purgeable)).isEqualTo(1688 * KIB);
        assertThat(model().process(2200).status(StatusFigure.active)).isEqualTo(12 * MIB);
        assertThat(model().process(1500).status(StatusFigure.purgeable)).isZero();
        assertThat(model().ledger().statusBytes(StatusFigure.purgeable)).isEqualTo(1688 * KIB);
        assertThat(snapshot.deviceMemory()).isEmpty();
        assertThat(model().ledger().deviceUsedBytes()).isZero();
    }

    // ---- cgroups: /proc/PID/cgroup and the cgroup v2 files -------------------------------------------------

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
