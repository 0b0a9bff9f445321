package io.gemtrack.collector.procfs;

import io.gemtrack.collector.procfs.OpenFd.DeviceNode;
import io.gemtrack.collector.procfs.OpenFd.DmaBuf;
import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import io.gemtrack.collector.procfs.OpenFd.RegionUsage;
import io.gemtrack.testkit.ProcTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static io.gemtrack.testkit.ProcTree.fdinfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The fixtures under {@code fdinfo/} follow what the drivers print (Documentation/gpu/drm-usage-stats.rst and the drivers' own docs). */
class FdinfoTest {

    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;
    private static final DeviceNode RENDER_D128 = new DeviceNode(226, 128, false);
    /** For fdinfo that has an ino: stat must not be needed. */
    private static final Fdinfo.InodeSource NOT_STATED = () -> {
        throw new AssertionError("stat was not needed");
    };

    private static DrmClient drmClient(String fixture) throws MalformedProcFileException {
        return Fdinfo.drmClient(KeyValues.parse(Path.of(fixture), fdinfo(fixture)), RENDER_D128, Optional.empty());
    }

    private static void assertIdentity(DrmClient client, String driver, String device, long clientId) {
        assertThat(client.driver()).isEqualTo(driver);
        assertThat(client.device()).isEqualTo(device);
        assertThat(client.clientId()).hasValue(clientId);
    }

    @Test
    void amdgpuReportsEveryPlacementAndTheNewKeysWinOverTheLegacyAlias() throws MalformedProcFileException {
        DrmClient client = drmClient("amdgpu.txt");

        assertIdentity(client, "amdgpu", "0000:03:00.0", 42);
        assertThat(client.node()).isEqualTo(RENDER_D128);
        assertThat(client.regions()).containsExactly(
                entry("cpu", new RegionUsage(0, 0, 0)),
                entry("doorbell", new RegionUsage(8 * KIB, 0, 8 * KIB)),
                entry("gds", new RegionUsage(0, 0, 0)),
                entry("gtt", new RegionUsage(35844 * KIB, 0, 35844 * KIB)),
                entry("gws", new RegionUsage(0, 0, 0)),
                entry("oa", new RegionUsage(0, 0, 0)),
                entry("vram", new RegionUsage(256 * MIB, 8 * MIB, 196612 * KIB)));
    }

    @Test
    void olderAmdgpuHasOnlyTheLegacyKeysWhichStandForTotalAndResident() throws MalformedProcFileException {
        DrmClient client = drmClient("amdgpu-legacy.txt");

        assertIdentity(client, "amdgpu", "0000:0b:00.0", 17);
        assertThat(client.regions()).containsExactly(
                entry("cpu", new RegionUsage(0, 0, 0)),
                entry("gtt", new RegionUsage(64 * MIB, 0, 64 * MIB)),
                entry("vram", new RegionUsage(524292 * KIB, 0, 524292 * KIB)));
    }

    @Test
    void i915NamesRegionsByInstanceAndTheirNamesMayHoldDashes() throws MalformedProcFileException {
        DrmClient client = drmClient("i915.txt");

        assertIdentity(client, "i915", "0000:03:00.0", 39);
        assertThat(client.regions()).containsExactly(
                entry("local0", new RegionUsage(1024 * MIB, 64 * MIB, 768 * MIB, 0, 12 * MIB)),
                entry("stolen-local0", new RegionUsage(0, 0, 0)),
                entry("system0", new RegionUsage(6044 * KIB, 0, 5120 * KIB, 1688 * KIB, 0)));
    }

    @Test
    void xeCycleCountersAreNotAMemoryRegion() throws MalformedProcFileException {
        DrmClient client = drmClient("xe.txt");

        assertThat(client.regions()).containsOnlyKeys("gtt", "stolen", "system", "vram0");
        assertThat(client.regions().get("vram0")).isEqualTo(new RegionUsage(23992 * KIB, 16 * MIB, 23992 * KIB));
    }

    @Test
    void aKernelWithoutMemoryKeysStillNamesTheClient() throws MalformedProcFileException {
        DrmClient client = drmClient("i915-no-memory-keys.txt");

        assertIdentity(client, "i915", "0000:00:02.0", 7);
        assertThat(client.regions()).isEmpty();
    }

    @Test
    void aDriverWithoutResidencyKeysIsTakenAsFullyResident() throws MalformedProcFileException {
        String fdinfo = "drm-driver:\tpanfrost\ndrm-client-id:\t3\ndrm-total-memory:\t16480 KiB\ndrm-shared-memory:\t0\n";

        DrmClient client = Fdinfo.drmClient(KeyValues.parse(Path.of("panfrost"), fdinfo), new DeviceNode(226, 129, false), Optional.of("fde60000.gpu"));

        assertIdentity(client, "panfrost", "fde60000.gpu", 3);
        assertThat(client.regions()).containsExactly(entry("memory", new RegionUsage(16480 * KIB, 0, 16480 * KIB)));
    }

    @Test
    void onlyTheDriverIsMandatorySoAClientWithoutAnIdIsReadWithoutOne() throws MalformedProcFileException {
        String fdinfo = "drm-driver:\ti915\ndrm-pdev:\t0000:00:02.0\ndrm-engine-render:\t0 ns\n";

        DrmClient client = Fdinfo.drmClient(KeyValues.parse(Path.of("/proc/7/fdinfo/4"), fdinfo), new DeviceNode(226, 0, false),
                Optional.empty());

        assertThat(client.driver()).isEqualTo("i915");
        assertThat(client.device()).isEqualTo("0000:00:02.0");
        assertThat(client.clientId()).isEmpty();
    }

    @Test
    void aClientWithoutADriverIsNoUsageStatsClient() {
        String fdinfo = "drm-client-id:\t7\ndrm-total-memory:\t4 MiB\n";

        assertThatThrownBy(() -> Fdinfo.drmClient(KeyValues.parse(Path.of("/proc/7/fdinfo/4"), fdinfo), new DeviceNode(226, 0, false),
                Optional.empty()))
                .isInstanceOf(MalformedProcFileException.class)
                .hasMessage("/proc/7/fdinfo/4: no value for 'drm-driver'");
    }

    @Test
    void theDeviceIsTheDrmPdevElseTheSysfsDeviceElseTheNode() throws MalformedProcFileException {
        KeyValues platform = KeyValues.parse(Path.of("msm"), "drm-driver:\tmsm\ndrm-client-id:\t3\n");

        assertThat(drmClient("amdgpu.txt").device()).isEqualTo("0000:03:00.0");
        assertThat(Fdinfo.drmClient(platform, RENDER_D128, Optional.of("ae00000.display-subsystem")).device())
                .isEqualTo("ae00000.display-subsystem");
        assertThat(Fdinfo.drmClient(platform, RENDER_D128, Optional.empty()).device()).isEqualTo("226:128");
    }

    @Test
    void anUnknownUnitMakesTheFileMalformed() {
        String fdinfo = "drm-driver:\ti915\ndrm-client-id:\t1\ndrm-total-system0:\t12 XB\n";

        assertThatThrownBy(() -> Fdinfo.drmClient(KeyValues.parse(Path.of("/proc/7/fdinfo/4"), fdinfo), new DeviceNode(226, 0, false), Optional.empty()))
                .isInstanceOf(MalformedProcFileException.class)
                .hasMessageContaining("/proc/7/fdinfo/4: 'drm-total-system0'", "12 XB");
    }

    @Test
    void aDmaBufIsNamedByItsInodeAndExporter() throws IOException {
        assertThat(Fdinfo.dmaBuf(KeyValues.parse(Path.of("dmabuf"), fdinfo("dmabuf-amdgpu.txt")), NOT_STATED))
                .isEqualTo(new DmaBuf(4711, "amdgpu", 8 * MIB, 2));
        assertThat(Fdinfo.dmaBuf(KeyValues.parse(Path.of("dmabuf"), fdinfo("dmabuf-system-heap.txt")), NOT_STATED))
                .isEqualTo(new DmaBuf(4712, "system", 3112960, 1));
    }

    @Test
    void aKernelWithoutInodesInFdinfoNamesTheDmaBufByTheInodeStatGives() throws IOException {
        String fdinfo = "pos:\t0\nflags:\t02000002\nsize:\t4096\ncount:\t1\nexp_name:\tsystem\n";

        assertThat(Fdinfo.dmaBuf(KeyValues.parse(Path.of("/proc/7/fdinfo/9"), fdinfo), () -> 3321))
                .isEqualTo(new DmaBuf(3321, "system", 4096, 1));
    }

    @Test
    void aDmaBufWithoutAReferenceCountIsMalformed() {
        String fdinfo = "pos:\t0\nino:\t52\nsize:\t4096\nexp_name:\tsystem\n";

        assertThatThrownBy(() -> Fdinfo.dmaBuf(KeyValues.parse(Path.of("/proc/7/fdinfo/9"), fdinfo), NOT_STATED))
                .isInstanceOf(MalformedProcFileException.class)
                .hasMessage("/proc/7/fdinfo/9: no value for 'count'");
    }
}
