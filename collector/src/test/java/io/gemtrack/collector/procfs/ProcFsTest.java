package io.gemtrack.collector.procfs;

import static io.gemtrack.testkit.ProcTree.fdinfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gemtrack.collector.procfs.OpenFd.DmaBuf;
import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import io.gemtrack.testkit.KernelFixtures;
import io.gemtrack.testkit.ProcTree;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {

    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private ProcTree tree;
    /** The tree's procfs root. */
    private Path root;

    private ProcTree tree() {
        if (tree == null) {
            tree = new ProcTree(dir);
            root = tree.root();
        }
        return tree;
    }

    @Test
    void readsTheHostsMemoryAndProcessesOldestFirst() throws IOException {
        tree().memory(24683620, 2097148);
        tree().process(600, "glxgears", 500, 900).memory(5120, 10240, 256, 64, 80);
        tree().process(1, "systemd", 0, 1);
        tree().process(500, "gnome-shell", 1, 400).oomScoreAdj(-900);

        HostSample sample = new ProcFs(root).sample();

        assertThat(sample.memTotalBytes()).isEqualTo(24683620 * KIB);
        assertThat(sample.swapTotalBytes()).isEqualTo(2097148 * KIB);
        assertThat(sample.processes()).extracting(ProcessSample::pid).containsExactly(1, 500, 600);
        assertThat(sample.processes().get(2)).isEqualTo(new ProcessSample(600, 900, 500, "glxgears", 0,
                new MmSample(10240 * KIB, 5120 * KIB, 256 * KIB, 64 * KIB, 80 * KIB), new TreeMap<>(), new TreeMap<>()));
        assertThat(sample.processes().get(1).oomScoreAdj()).isEqualTo(-900);
        assertThat(sample.skips()).isEqualTo(ReadSkips.NONE);
    }

    @Test
    void keepsOnlyDrmAndDmaBufFdsAndNamesTheDeviceMinor() throws IOException {
        tree().process(500, "gnome-shell", 1, 400)
                .otherFd(0, "/dev/null")
                .otherFd(3, "socket:[48213]")
                .drmFd(12, "/dev/dri/renderD128", fdinfo("amdgpu.txt"))
                .drmFd(13, "/dev/dri/card0", fdinfo("amdgpu-legacy.txt"))
                .dmaBufFd(30, fdinfo("dmabuf-amdgpu.txt"))
                .fd(31, "anon_inode:dmabuf", fdinfo("dmabuf-system-heap.txt"));

        Map<Integer, OpenFd> fds = onlyProcess(new ProcFs(root).sample()).fds();

        assertThat(fds).containsOnlyKeys(12, 13, 30, 31);
        assertThat(((DrmClient) fds.get(12)).node().minor()).isEqualTo(128);
        assertThat(((DrmClient) fds.get(12)).clientId()).hasValue(42);
        assertThat(((DrmClient) fds.get(12)).device()).isEqualTo("0000:03:00.0");
        assertThat(((DrmClient) fds.get(13)).node().minor()).isZero();
        assertThat(fds.get(30)).isEqualTo(new DmaBuf(4711, "amdgpu", 8 * MIB, 2));
        assertThat(fds.get(31)).isEqualTo(new DmaBuf(4712, "system", 3112960, 1));
    }

    @Test
    void aSharedDmaBufIsTheSameBufferInBothProcesses() throws IOException {
        tree().process(500, "gnome-shell", 1, 400).dmaBufFd(30, fdinfo("dmabuf-amdgpu.txt"));
        tree().process(600, "firefox", 1, 700).dmaBufFd(41, fdinfo("dmabuf-amdgpu.txt"));

        List<ProcessSample> processes = new ProcFs(root).sample().processes();

        assertThat(processes.get(0).fds().get(30)).isEqualTo(processes.get(1).fds().get(41));
    }

    /** The fixture's dma-buf link is not a real file (there is no dmabuf file system here), so stat's answer is given. */
    @Test
    void aDmaBufWhoseFdinfoHasNoInodeIsNamedByTheInodeStatGives() throws IOException {
        tree().process(900, "media-server", 1, 800).dmaBufFd(7, ProcTree.resource("/fixtures/mapping-only/kernel-5.10.dmabuf"));
        Path fd = root.resolve("900/fd/7");
        ProcFiles files = new ProcFiles() {
            @Override
            public String read(Path file, Charset charset) throws IOException {
                return DEFAULT.read(file, charset);
            }

            @Override
            public String readLink(Path link) throws IOException {
                return DEFAULT.readLink(link);
            }

            @Override
            public List<String> list(Path directory) throws IOException {
                return DEFAULT.list(directory);
            }

            @Override
            public FileStat stat(Path path) throws IOException {
                return path.equals(fd) ? new FileStat(false, 0, 11, 3321) : DEFAULT.stat(path);
            }
        };

        assertThat(onlyProcess(new ProcFs(root, files).sample()).fds()).containsExactly(Map.entry(7, new DmaBuf(3321, "system", 4 * MIB, 1)));
    }

    @Test
    void mapsAreReadWhereADmaBufMappingCanBeAndEverywhereEveryTwelfthSample() throws IOException {
        tree().process(600, "camera-service", 1, 500).dmaBufMapping(0x7f2a40000000L, 4 * MIB, 0, 881, "preview");
        tree().process(610, "encoder", 600, 520);
        tree().process(700, "viewer", 1, 650).dmaBufFd(5, fdinfo("dmabuf-system-heap.txt"));
        tree().process(800, "shell", 1, 750);
        ProcFs procFs = new ProcFs(root);

        assertThat(mappers(procFs.sample())).containsExactly(600);
        // Mapped since: the viewer holds a dma-buf fd and the encoder's parent maps one, so theirs are read; the
        // shell, which holds neither, is read at the next full scan only.
        tree().process(610, "encoder", 600, 520).dmaBufMapping(0x7f2a40000000L, 4 * MIB, 0, 881, "preview");
        tree().process(700, "viewer", 1, 650).dmaBufMapping(0x7f2b00000000L, 4 * MIB, 0, 4712, "");
        tree().process(800, "shell", 1, 750).dmaBufMapping(0x7f2c00000000L, 4 * MIB, 0, 4712, "");
        for (int sample = 2; sample <= ProcFs.FULL_MAPS_SCAN_EVERY; sample++) {
            assertThat(mappers(procFs.sample())).as("sample %d", sample).containsExactly(600, 610, 700);
        }
        assertThat(mappers(procFs.sample())).containsExactly(600, 610, 700, 800);
    }

    private static List<Integer> mappers(HostSample sample) {
        return sample.processes().stream().filter(process -> !process.dmaBufMappings().isEmpty()).map(ProcessSample::pid).toList();
    }

    @Test
    void aDevicesOwnUseIsItsSysfsAttributesBeforeDmemAndAFigureThatIsNoNumberIsSkippedAndCounted() throws IOException {
        tree().device("/dev/dri/renderD128", KernelFixtures.AMDGPU_DEVICE)
                .deviceAttribute(KernelFixtures.AMDGPU_DEVICE, "mem_info_vram_used", "2516582400")
                .deviceAttribute(KernelFixtures.AMDGPU_DEVICE, "mem_info_gtt_used", "a lot")
                // dmem's vram gives way to sysfs'; its gtt is no region of amdgpu's dmem; another device has no client.
                .sysFile("fs/cgroup/dmem.current", "drm/0000:03:00.0/vram 2400000000\ndrm/0000:03:00.0/gtt 1\n"
                        + "drm/0000:07:00.0/vram0 4096\n")
                .meminfo(16L << 20, 0, "GPUActive:       1150976 kB\nGPUReclaim:        98304 kB\n");
        tree().process(500, "gnome-shell", 1, 400).drmFd(12, "/dev/dri/renderD128", fdinfo("amdgpu.txt"));

        HostSample sample = new ProcFs(root).sample();

        OpenFd.DeviceNode node = new OpenFd.DeviceNode(ProcTree.DRM_MAJOR, 128, false);
        assertThat(sample.deviceUse()).containsExactly(new DeviceUse("amdgpu", "0000:03:00.0", node, "gtt", 1),
                new DeviceUse("amdgpu", "0000:03:00.0", node, "vram", 2516582400L));
        assertThat(sample.skips()).isEqualTo(new ReadSkips(0, 0, 1));
        assertThat(sample.gpuActiveBytes()).isEqualTo(1124 * MIB);
        assertThat(sample.gpuReclaimBytes()).isEqualTo(96 * MIB);
    }

    @Test
    void statusIsReadAgainWhenTheStatLineChangedAndForEveryProcessEveryTwelfthSample() throws IOException {
        tree().process(600, "idle", 1, 900).memory(1024, 2048, 0, 0, 48);
        ProcFs procFs = new ProcFs(root);
        assertThat(procFs.sample().processes().get(0).memory().swapBytes()).isZero();

        // status changed behind a stat line that did not, which a process that did not run cannot do: not read.
        Path status = root.resolve("600/status");
        Files.writeString(status, Files.readString(status).replaceAll("VmSwap:.*", "VmSwap:\t      64 kB"));
        for (int sample = 2; sample <= ProcFs.FULL_MAPS_SCAN_EVERY; sample++) {
            assertThat(procFs.sample().processes().get(0).memory().swapBytes()).as("sample %d", sample).isZero();
        }
        assertThat(procFs.sample().processes().get(0).memory().swapBytes()).as("a full sample").isEqualTo(64 * KIB);

        // The process runs: its stat line changes, and its status is read at once.
        tree().process(600, "idle", 1, 900).memory(1024, 2048, 0, 128, 48);
        assertThat(procFs.sample().processes().get(0).memory().swapBytes()).isEqualTo(128 * KIB);
    }

    @Test
    void kernelThreadsAndZombiesHaveNothingToReport() throws IOException {
        tree().kernelThread(2, "kthreadd");
        tree().zombie(700, "defunct", 1, 800);
        tree().process(1, "systemd", 0, 1);

        HostSample sample = new ProcFs(root).sample();

        assertThat(sample.processes()).extracting(ProcessSample::pid).containsExactly(1);
        assertThat(sample.skips()).isEqualTo(ReadSkips.NONE);
    }

    @Test
    void aProcessThatExitsWhileItIsReadIsSkippedAndCounted() throws IOException {
        tree().process(1, "systemd", 0, 1);
        Files.delete(tree().process(800, "short-lived", 1, 950).dir().resolve("status"));

        HostSample sample = new ProcFs(root).sample();

        assertThat(sample.processes()).extracting(ProcessSample::pid).containsExactly(1);
        assertThat(sample.skips()).isEqualTo(new ReadSkips(1, 0, 0));
    }

    @Test
    void anFdClosedWhileItIsReadIsSkippedAndTheProcessKept() throws IOException {
        tree().process(500, "gnome-shell", 1, 400)
                .drmFd(12, "/dev/dri/renderD128", fdinfo("amdgpu.txt"))
                .drmFd(13, "/dev/dri/renderD128", fdinfo("amdgpu.txt"));
        Files.delete(root.resolve("500/fdinfo/13"));

        HostSample sample = new ProcFs(root).sample();

        assertThat(onlyProcess(sample).fds()).containsOnlyKeys(12);
        assertThat(sample.skips()).isEqualTo(new ReadSkips(1, 0, 0));
    }

    @Test
    void theKernelsNoSuchProcessCountsAsVanished() throws IOException {
        tree().process(500, "exiting", 1, 400);
        ProcFiles esrch = failing(root.resolve("500/status"), new IOException("No such process"));

        HostSample sample = new ProcFs(root, esrch).sample();

        assertThat(sample.processes()).isEmpty();
        assertThat(sample.skips()).isEqualTo(new ReadSkips(1, 0, 0));
    }

    /** Tests run as root, whom the kernel never refuses, so the refusal is injected where a real host gives it. */
    @Test
    void aProcessWhoseFdsCannotBeListedIsReportedWithoutFds() throws IOException {
        tree().process(600, "other-user", 1, 700).drmFd(5, "/dev/dri/renderD128", fdinfo("i915.txt"));
        ProcFiles denied = failing(root.resolve("600/fd"), new AccessDeniedException(root.resolve("600/fd").toString()));

        HostSample sample = new ProcFs(root, denied).sample();

        assertThat(onlyProcess(sample).fds()).isEmpty();
        assertThat(sample.skips()).isEqualTo(new ReadSkips(0, 1, 0));
    }

    @Test
    void aRefusedFdLinkMeansAllAreRefusedAndIsCountedOnce() throws IOException {
        tree().process(1, "init", 0, 1).otherFd(0, "/dev/null").drmFd(5, "/dev/dri/renderD128", fdinfo("i915.txt"))
                .drmFd(6, "/dev/dri/renderD128", fdinfo("i915.txt"));
        ProcFiles denied = failing(root.resolve("1/fd/5"), new AccessDeniedException(root.resolve("1/fd/5").toString()));

        HostSample sample = new ProcFs(root, denied).sample();

        assertThat(onlyProcess(sample).fds()).isEmpty();
        assertThat(sample.skips()).isEqualTo(new ReadSkips(0, 1, 0));
    }

    @Test
    void aProcessWhoseStatusIsRefusedIsSkippedAndCounted() throws IOException {
        tree().process(1, "systemd", 0, 1);
        tree().process(700, "hidden", 1, 800);
        tree().process(701, "protected", 1, 801);
        ProcFiles denied = failing(root.resolve("700/status"), new AccessDeniedException(root.resolve("700/status").toString()),
                root.resolve("701/oom_score_adj"), new FileSystemException(root.resolve("701/oom_score_adj").toString(), null,
                        "Operation not permitted"));

        HostSample sample = new ProcFs(root, denied).sample();

        assertThat(sample.processes()).extracting(ProcessSample::pid).containsExactly(1);
        assertThat(sample.skips()).isEqualTo(new ReadSkips(0, 2, 0));
    }

    @Test
    void unreadableAndMalformedFilesAreSkippedAndCounted() throws IOException {
        tree().process(1, "systemd", 0, 1);
        Path status = tree().process(900, "broken", 1, 950).dir().resolve("status");
        Files.delete(status);
        Files.createDirectory(status);
        tree().process(500, "gnome-shell", 1, 400)
                .drmFd(12, "/dev/dri/renderD128", fdinfo("amdgpu.txt").replace("256 MiB", "256 MB"))
                .drmFd(14, "/dev/dri/renderD129", fdinfo("i915.txt"));

        HostSample sample = new ProcFs(root).sample();

        assertThat(sample.processes()).extracting(ProcessSample::pid).containsExactly(1, 500);
        assertThat(sample.processes().get(1).fds()).containsOnlyKeys(14);
        assertThat(sample.skips()).isEqualTo(new ReadSkips(0, 0, 2));
    }

    @Test
    void aNameWithParenthesesAndSpacesDoesNotShiftTheStatFields() throws IOException {
        tree().process(4242, "evil) (S 1 2", 1, 31337);

        ProcessSample process = onlyProcess(new ProcFs(root).sample());

        assertThat(process.startTime()).isEqualTo(31337);
        assertThat(process.comm()).isEqualTo("evil) (S 1 2");
    }

    @Test
    void anInterruptedReadEndsTheSampleInsteadOfBeingSkipped() {
        tree().process(500, "gnome-shell", 1, 400);
        ProcFiles interrupted = failing(root.resolve("500/status"), new ClosedByInterruptException());

        assertThatThrownBy(() -> new ProcFs(root, interrupted).sample()).isInstanceOf(ClosedByInterruptException.class);
    }

    @Test
    void withoutMeminfoThereIsNoSample() throws IOException {
        tree();
        Files.delete(root.resolve("meminfo"));

        assertThatThrownBy(() -> new ProcFs(root).sample()).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void namesTheBootAndTheHost() throws IOException {
        tree();

        assertThat(new ProcFs(root).bootId()).isEqualTo(ProcTree.BOOT_ID);
        assertThat(new ProcFs(root).hostname()).isEqualTo(ProcTree.HOSTNAME);
    }

    private static ProcessSample onlyProcess(HostSample sample) {
        assertThat(sample.processes()).hasSize(1);
        return sample.processes().get(0);
    }

    /** The real files, except that the given paths fail with the given exceptions. */
    private static ProcFiles failing(Object... pathsAndFailures) {
        Map<Path, IOException> failures = new HashMap<>();
        for (int i = 0; i < pathsAndFailures.length; i += 2) {
            failures.put((Path) pathsAndFailures[i], (IOException) pathsAndFailures[i + 1]);
        }
        return new ProcFiles() {
            @Override
            public String read(Path file, Charset charset) throws IOException {
                failIfListed(file);
                return DEFAULT.read(file, charset);
            }

            @Override
            public String readLink(Path link) throws IOException {
                failIfListed(link);
                return DEFAULT.readLink(link);
            }

            @Override
            public List<String> list(Path directory) throws IOException {
                failIfListed(directory);
                return DEFAULT.list(directory);
            }

            @Override
            public FileStat stat(Path path) throws IOException {
                failIfListed(path);
                return DEFAULT.stat(path);
            }

            private void failIfListed(Path path) throws IOException {
                if (failures.containsKey(path)) {
                    throw failures.get(path);
                }
            }
        };
    }
}
