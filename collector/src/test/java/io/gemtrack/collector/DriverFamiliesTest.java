package io.gemtrack.collector;

import static io.gemtrack.testkit.KernelFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
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
 * One host per driver family, in the files its driver prints (fixtures/FAMILY/README.md): the snapshot the collector
 * sends, what the aggregator's model makes of it, and for amdgpu the events of a change.
 */
class DriverFamiliesTest {

    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;
    /** The collector's pseudo device of dma-buf objects. */
    private static final int DMA_BUF_MINOR = Integer.MAX_VALUE;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final AggregatorReferee referee = new AggregatorReferee();
    private Collector collector;

    /** An object as a reader checks it: device minor, region, size, resident bytes and the pids holding it. */
    private record Held(int minor, String region, long sizeBytes, long residentBytes, List<Integer> holders) {
    }

    private static Held held(int minor, String region, long sizeBytes, long residentBytes, Integer... holders) {
        return new Held(minor, region, sizeBytes, residentBytes, List.of(holders));
    }

    private List<EventBody> sample(ProcTree tree) throws IOException {
        if (collector == null) {
            collector = new Collector(new ProcFs(tree.root()), ProcTree.HOSTNAME, () -> clock.getAndAdd(1_000_000));
        }
        return referee.accept(collector.sample()).stream().map(Event::body).toList();
    }

    /** The first sample: a snapshot, whose objects are the model's. */
    private List<Held> snapshot(ProcTree tree) throws IOException {
        List<EventBody> events = sample(tree);
        assertThat(events).singleElement().isInstanceOf(HostSnapshot.class);
        List<SnapshotObject> sent = ((HostSnapshot) events.get(0)).objects();
        List<Held> objects = model().objects().stream().map(DriverFamiliesTest::held).toList();
        assertThat(sent).extracting(SnapshotObject::sizeBytes).containsExactlyInAnyOrderElementsOf(
                objects.stream().map(Held::sizeBytes).toList());
        return objects;
    }

    private static Held held(GemObject object) {
        return new Held(object.minor(), object.regionName(), object.sizeBytes(), object.residentBytes(),
                object.holders().stream().map(Process::pid).toList());
    }

    private HostModel model() {
        return referee.model();
    }

    private long charged(int pid, Policy policy) {
        return model().process(pid).charged(policy);
    }

    @Test
    void amdgpuEvictedVramIsResidentInGttAndTheCompositorsImportsAreCountedOnce() throws IOException {
        ProcTree tree = KernelFixtures.amdgpu(dir);

        // The device is minor 0, the compositor's card0 being the first node seen; the game's 1 GiB evicted to GTT
        // is resident there, its size moved from VRAM's bytes that are not resident.
        assertThat(snapshot(tree)).containsExactlyInAnyOrder(
                held(0, "vram", 96 * MIB, 96 * MIB, 1500), held(0, "gtt", 12 * MIB + 4 * KIB, 12 * MIB + 4 * KIB, 1500),
                held(0, "doorbell", 8 * KIB, 8 * KIB, 1500),
                held(0, "vram", 2032 * MIB, 2032 * MIB, 3000), held(0, "gtt", 1088 * MIB, 1088 * MIB, 3000),
                held(0, "doorbell", 8 * KIB, 8 * KIB, 3000),
                held(0, "vram", 16 * MIB, 16 * MIB));
        assertThat(model().gemBytes()).isEqualTo(3244 * MIB + 20 * KIB);
        assertThat(charged(3000, Policy.freeable)).isEqualTo(3120 * MIB + 8 * KIB);
        assertThat(charged(1500, Policy.rfc)).isEqualTo(124 * MIB + 12 * KIB);
        assertThat(model().ledger().unaccounted(Policy.holder)).isEqualTo(16 * MIB);

        // Pressure gone: the game's buffers are back in VRAM, and its objects are replaced at their new sizes.
        tree.process(3000, "game", 1, 2900).drmFd(11, "/dev/dri/renderD128", fixture("amdgpu", "game-vram-evicted.fdinfo")
                .replace("drm-resident-vram:\t2048 MiB", "drm-resident-vram:\t3072 MiB")
                .replace("drm-resident-gtt:\t1088 MiB", "drm-resident-gtt:\t64 MiB")
                .replace("amd-evicted-vram:\t1048576 KiB", "amd-evicted-vram:\t0 KiB"));
        List<EventBody> events = sample(tree);

        assertThat(events).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("GemHandleDelete", "GemFree", "GemHandleDelete", "GemFree", "GemCreate", "GemPin", "GemCreate", "GemPin");
        assertThat(events).filteredOn(GemCreate.class::isInstance).map(GemCreate.class::cast)
                .extracting(GemCreate::region, GemCreate::sizeBytes, GemCreate::creatorPid)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gtt", 64 * MIB, 3000),
                        org.assertj.core.groups.Tuple.tuple("vram", 3056 * MIB, 3000));
        assertThat(model().ledger().residentBytes()).isEqualTo(model().gemBytes());
    }

    @Test
    void amdgpuLegacyMemoryKeysStandForTotalAndResident() throws IOException {
        assertThat(snapshot(KernelFixtures.amdgpuLegacy(dir))).containsExactlyInAnyOrder(
                held(128, "vram", 524292 * KIB, 524292 * KIB, 2500), held(128, "gtt", 64 * MIB, 64 * MIB, 2500));
        assertThat(charged(2500, Policy.holder)).isEqualTo(524292 * KIB + 64 * MIB);
    }

    @Test
    void i915TileExportedAsADmaBufIsAnObjectOfItsOwnAndLeavesTheSharedPool() throws IOException {
        assertThat(snapshot(KernelFixtures.i915(dir))).containsExactlyInAnyOrder(
                held(0, "system0", 2 * MIB, 2 * MIB, 1500), held(0, "local0", 96 * MIB, 96 * MIB, 1500),
                held(0, "system0", 6044 * KIB, 5120 * KIB, 2200), held(0, "local0", 960 * MIB, 704 * MIB, 2200),
                held(0, "local0", 32 * MIB, 32 * MIB),
                held(DMA_BUF_MINOR, "i915", 32 * MIB, 32 * MIB, 1500, 2200));
        assertThat(model().gemBytes()).isEqualTo(1122 * MIB + 6044 * KIB);
        assertThat(charged(2200, Policy.holder)).isEqualTo(736 * MIB + 5120 * KIB);
        assertThat(charged(2200, Policy.freeable)).isEqualTo(704 * MIB + 5120 * KIB);
        assertThat(charged(2200, Policy.proportional)).isEqualTo(720 * MIB + 5120 * KIB);
    }

    @Test
    void xeClientInheritedByForkedWorkersIsOneFileHeldByAllThree() throws IOException {
        assertThat(snapshot(KernelFixtures.xe(dir))).containsExactlyInAnyOrder(
                held(128, "system", 4 * MIB, 4 * MIB, 4000, 4010, 4011), held(128, "gtt", 192 * KIB, 192 * KIB, 4000, 4010, 4011),
                held(128, "vram0", 6144 * MIB, 5120 * MIB, 4000, 4010, 4011));
        long resident = 4 * MIB + 192 * KIB + 5120 * MIB;
        assertThat(charged(4010, Policy.holder)).isEqualTo(resident);
        assertThat(charged(4000, Policy.resident)).isEqualTo(resident);
        assertThat(charged(4000, Policy.freeable)).isZero();
        assertThat(charged(4000, Policy.proportional) + charged(4010, Policy.proportional) + charged(4011, Policy.proportional))
                .isEqualTo(resident);
    }

    @Test
    void msmCompositorOnCard0AndBrowserOnRenderD128AreOnePlatformDevice() throws IOException {
        assertThat(snapshot(KernelFixtures.msm(dir))).containsExactlyInAnyOrder(
                held(0, "memory", 21232 * KIB, 21232 * KIB, 400), held(0, "memory", 54920 * KIB, 42632 * KIB, 900),
                held(0, "memory", 16200 * KIB, 16200 * KIB));
        assertThat(model().gemBytes()).isEqualTo(37432 * KIB + 71120 * KIB - 16200 * KIB);
    }

    @Test
    void panfrostHeapsArePartlyResident() throws IOException {
        assertThat(snapshot(KernelFixtures.panfrost(dir))).containsExactly(held(128, "memory", 66 * MIB, 34 * MIB, 700));
        assertThat(charged(700, Policy.rfc)).isEqualTo(66 * MIB);
        assertThat(charged(700, Policy.resident)).isEqualTo(34 * MIB);
    }

    @Test
    void v3dSharedBytesWithoutAnOpenDmaBufHaveNoKnownHolder() throws IOException {
        assertThat(snapshot(KernelFixtures.v3d(dir))).containsExactlyInAnyOrder(
                held(128, "memory", 33 * MIB, 33 * MIB, 1800), held(128, "memory", 12 * MIB, 12 * MIB));
        assertThat(charged(1800, Policy.holder)).isEqualTo(33 * MIB);
        assertThat(model().ledger().unaccounted(Policy.holder)).isEqualTo(12 * MIB);
    }

    @Test
    void accelDeviceIsNumberedApartFromDrmMinors() throws IOException {
        assertThat(snapshot(KernelFixtures.accel(dir))).containsExactly(held((1 << 20), "memory", 98304 * KIB, 81920 * KIB, 800));
    }
}
