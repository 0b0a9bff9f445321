package io.gemtrack.collector.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.collector.AggregatorReferee;
import io.gemtrack.collector.procfs.DmaBufMapping;
import io.gemtrack.collector.procfs.HostSample;
import io.gemtrack.collector.procfs.MmSample;
import io.gemtrack.collector.procfs.OpenFd;
import io.gemtrack.collector.procfs.OpenFd.DeviceNode;
import io.gemtrack.collector.procfs.OpenFd.DmaBuf;
import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import io.gemtrack.collector.procfs.OpenFd.RegionUsage;
import io.gemtrack.collector.procfs.ProcessSample;
import io.gemtrack.collector.procfs.ReadSkips;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Samples in, exact events out; every stream is also folded by the aggregator's model, which must reject nothing. */
class HostDifferTest {

    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;
    private static final long GIB = 1 << 30;
    private static final MmSample SMALL = new MmSample(2 * MIB, 1 * MIB, 0, 0, 48 * KIB);
    private static final DmaBuf SCANOUT = new DmaBuf(4711, "amdgpu", 8 * MIB, 2);

    private final HostDiffer differ = new HostDiffer();
    private final AggregatorReferee referee = new AggregatorReferee();

    private List<EventBody> next(ProcessSample... processes) {
        return next(16 * GIB, processes);
    }

    private List<EventBody> next(long memTotalBytes, ProcessSample... processes) {
        return referee.acceptBodies(differ.next(new HostSample(memTotalBytes, 2 * GIB, List.of(processes), ReadSkips.NONE)));
    }

    private static ProcessSample process(int pid, long startTime, int parentPid, String comm, Object... fdsAndFiles) {
        return process(pid, startTime, parentPid, comm, SMALL, fdsAndFiles);
    }

    private static ProcessSample process(int pid, long startTime, int parentPid, String comm, MmSample memory, Object... fdsAndFiles) {
        Map<Integer, OpenFd> fds = new TreeMap<>();
        for (int i = 0; i < fdsAndFiles.length; i += 2) {
            fds.put((Integer) fdsAndFiles[i], (OpenFd) fdsAndFiles[i + 1]);
        }
        return new ProcessSample(pid, startTime, parentPid, comm, 0, memory, new TreeMap<>(fds), new TreeMap<>());
    }

    private static DrmClient amdgpu(long clientId, Object... regionsAndUsage) {
        Map<String, RegionUsage> regions = new TreeMap<>();
        for (int i = 0; i < regionsAndUsage.length; i += 2) {
            regions.put((String) regionsAndUsage[i], (RegionUsage) regionsAndUsage[i + 1]);
        }
        return new DrmClient("amdgpu", "0000:03:00.0", OptionalLong.of(clientId), new DeviceNode(226, 128, false), new TreeMap<>(regions));
    }

    private static RegionUsage usage(long totalBytes, long residentBytes) {
        return new RegionUsage(totalBytes, 0, residentBytes);
    }

    private static RegionUsage usage(long totalBytes, long sharedBytes, long residentBytes) {
        return new RegionUsage(totalBytes, sharedBytes, residentBytes);
    }

    private static MmCounters counters(int pid, MmSample memory) {
        return new MmCounters(pid, memory.fileBytes(), memory.anonBytes(), memory.shmemBytes(), memory.swapBytes(),
                memory.pageTableBytes(), 0);
    }

    private static final ProcessSample INIT = process(1, 1, 0, "systemd");

    /** The compositor (500) renders through DRM client 42 and shares a scan-out dma-buf with firefox (600). */
    private List<EventBody> desktop() {
        return next(INIT,
                process(500, 400, 1, "gnome-shell", 12, amdgpu(42, "vram", usage(64 * MIB, 48 * MIB), "gtt", usage(8 * MIB + 100, 2 * MIB)),
                        30, SCANOUT),
                process(600, 700, 1, "firefox", 41, SCANOUT));
    }

    @Test
    void theFirstSampleIsASnapshotWithOneObjectPerClientRegionAndOnePerDmaBuf() {
        List<EventBody> events = desktop();

        // The dma-buf's object is made while fds are installed, before the regions' objects: it is object 1.
        assertThat(events).containsExactly(new HostSnapshot(new HostMemory(16 * GIB, 2 * GIB), List.of(),
                List.of(new SnapshotProcess(1, 0, "systemd", List.of(), 0, counters(1, SMALL), List.of(), List.of()),
                        new SnapshotProcess(500, 1, "gnome-shell", List.of(), 0, counters(500, SMALL),
                                List.of(new SnapshotFd(12, 1, 0), new SnapshotFd(30, 0, 1)), List.of()),
                        new SnapshotProcess(600, 1, "firefox", List.of(), 0, counters(600, SMALL),
                                List.of(new SnapshotFd(41, 0, 1)), List.of())),
                List.of(new SnapshotFile(1, 128, List.of(new SnapshotHandle(1, 2), new SnapshotHandle(2, 3)))),
                List.of(new SnapshotObject(2, 128, "gtt", 8 * MIB + 4 * KIB, 500, true, 2 * MIB),
                        new SnapshotObject(3, 128, "vram", 64 * MIB, 500, true, 48 * MIB),
                        new SnapshotObject(1, HostView.DMA_BUF_MINOR, "amdgpu", 8 * MIB, 500, true, 8 * MIB)),
                List.of(new SnapshotDmaBuf(1, 1)), List.of()));
        assertThat(referee.model().gemBytes()).isEqualTo(8 * MIB + 4 * KIB + 64 * MIB + 8 * MIB);
    }

    @Test
    void twoSamplesDifferByExactlyTheseEvents() {
        desktop();
        MmSample grown = new MmSample(2 * MIB, 5 * MIB, 0, 0, 64 * KIB);

        List<EventBody> events = next(INIT,
                process(500, 400, 1, "gnome-shell", grown,
                        12, amdgpu(42, "vram", usage(64 * MIB, 64 * MIB), "gtt", usage(12 * MIB, 3 * MIB)), 30, SCANOUT),
                process(700, 1000, 500, "glxgears", 5, amdgpu(43, "gtt", usage(4 * MIB, 4 * MIB)), 7, SCANOUT));

        assertThat(events).containsExactly(
                new ProcessFork(700, 500, "glxgears", false),
                // 700 starts with 500's fds (fork); it holds the new client 43 and the scan-out at 7 instead.
                new DrmFileOpen(700, 5, 3, 128),
                new DmaBufFdInstall(700, 7, 1, FdOrigin.DUP),
                // gtt grew: its object is replaced; vram's only became more resident.
                new GemHandleDelete(1, 1),
                new GemFree(2),
                new GemCreate(4, 128, "gtt", 12 * MIB, 500, 1, 3),
                new GemPin(4, 3 * MIB),
                new GemPin(3, 16 * MIB),
                new GemCreate(5, 128, "gtt", 4 * MIB, 700, 3, 1),
                new GemPin(5, 4 * MIB),
                counters(500, grown),
                counters(700, SMALL),
                new ProcessExit(600),
                new FdClose(700, 12),
                new FdClose(700, 30));
    }

    @Test
    void whenTheLastHoldersGoFilesCloseBeforeTheirObjectsAreFreedAndDmaBufsAreReleased() {
        desktop();

        List<EventBody> events = next(INIT, process(500, 400, 1, "gnome-shell"));

        assertThat(events).containsExactly(
                new FdClose(500, 12),
                new FdClose(500, 30),
                new ProcessExit(600),
                new DrmFileClose(1),
                new GemFree(2),
                new GemFree(3),
                new DmaBufRelease(1),
                new GemFree(1));
        assertThat(referee.model().liveObjects()).isZero();
    }

    @Test
    void aDmaBufNotSeenBeforeIsExportedFromAnObjectOfItsOwnThroughAShortLivedFile() {
        next(INIT);

        List<EventBody> events = next(INIT, process(600, 700, 1, "firefox", 41, SCANOUT));

        assertThat(events).containsExactly(
                new ProcessFork(600, 1, "firefox", false),
                new DrmFileOpen(600, HostView.EXPORT_FD, 1, HostView.DMA_BUF_MINOR),
                new GemCreate(1, HostView.DMA_BUF_MINOR, "amdgpu", 8 * MIB, 600, 1, 1),
                new GemPin(1, 8 * MIB),
                new DmaBufExport(1, 1, 600, 41),
                new FdClose(600, HostView.EXPORT_FD),
                new DrmFileClose(1),
                counters(600, SMALL));
    }

    @Test
    void sharedMemoryWithoutKnownHoldersIsAnObjectOfAPoolFileThatNoFdRefersTo() {
        next(INIT);

        List<EventBody> events = next(INIT, process(500, 400, 1, "gnome-shell", 12, amdgpu(42, "vram", usage(64 * MIB, 16 * MIB, 64 * MIB))));

        assertThat(events).containsExactly(
                new ProcessFork(500, 1, "gnome-shell", false),
                new DrmFileOpen(500, 12, 1, 128),
                new GemCreate(1, 128, "vram", 48 * MIB, 500, 1, 1),
                new GemPin(1, 48 * MIB),
                new DrmFileOpen(500, HostView.EXPORT_FD, 2, 128),
                new FdClose(500, HostView.EXPORT_FD),
                new GemCreate(2, 128, "vram", 16 * MIB, 500, 2, 1),
                new GemPin(2, 16 * MIB),
                counters(500, SMALL));
        assertThat(referee.model().object(2).holders()).isEmpty();

        assertThat(next(INIT, process(500, 400, 1, "gnome-shell", 12, amdgpu(42, "vram", usage(64 * MIB, 0, 64 * MIB)))))
                .containsExactly(new GemHandleDelete(1, 1), new GemFree(1), new GemCreate(3, 128, "vram", 64 * MIB, 500, 1, 2),
                        new GemPin(3, 64 * MIB), new DrmFileClose(2), new GemFree(2));
    }

    @Test
    void aReusedPidGetsAnIdThatWasNeverUsed() {
        next(INIT, process(600, 700, 1, "firefox"));

        List<EventBody> events = next(INIT, process(600, 1500, 1, "bash"));

        int substitute = Ids.PID_MAX_LIMIT + 1;
        assertThat(events).containsExactly(
                new ProcessFork(substitute, 1, "bash", false),
                counters(substitute, SMALL),
                new ProcessExit(600));
        assertThat(next(INIT, process(600, 1500, 1, "bash"))).isEmpty();
    }

    @Test
    void aChildThatKeepsItsInheritedFdsNeedsNoFdEvents() {
        DrmClient client = amdgpu(42, "gtt", usage(4 * MIB, 4 * MIB));
        next(INIT, process(500, 400, 1, "gnome-shell", 12, client));

        List<EventBody> events = next(INIT, process(500, 400, 1, "gnome-shell", 12, client),
                process(510, 450, 500, "gnome-shell-helper", 12, client, 13, client));

        assertThat(events).containsExactly(
                new ProcessFork(510, 500, "gnome-shell-helper", false),
                new FdInstall(510, 13, 1, FdOrigin.DUP),
                counters(510, SMALL));
    }

    @Test
    void aFileReceivedFromAnotherProcessIsInstalledNotOpened() {
        DrmClient client = amdgpu(42, "gtt", usage(4 * MIB, 4 * MIB));
        next(INIT, process(500, 400, 1, "gnome-shell", 12, client), process(600, 700, 1, "firefox"));

        assertThat(next(INIT, process(500, 400, 1, "gnome-shell", 12, client), process(600, 700, 1, "firefox", 20, client)))
                .containsExactly(new FdInstall(600, 20, 1, FdOrigin.UNIX_SOCKET));
    }

    @Test
    void anFdNumberThatNowRefersToAnotherFileIsClosedAndOpenedAgain() {
        next(INIT, process(500, 400, 1, "gnome-shell", 12, amdgpu(42, "gtt", usage(4 * MIB, 4 * MIB))));

        List<EventBody> events = next(INIT, process(500, 400, 1, "gnome-shell", 12, amdgpu(44)));

        assertThat(events).containsExactly(
                new FdClose(500, 12),
                new DrmFileOpen(500, 12, 2, 128),
                new DrmFileClose(1),
                new GemFree(1));
    }

    @Test
    void residencyFollowsTheSamplesAndARegionThatEmptiesLosesItsObject() {
        next(INIT, process(500, 400, 1, "gnome-shell", 12, amdgpu(42, "vram", usage(64 * MIB, 48 * MIB), "gtt", usage(4 * MIB, 4 * MIB))));

        List<EventBody> events = next(INIT, process(500, 400, 1, "gnome-shell", 12, amdgpu(42, "vram", usage(64 * MIB, 40 * MIB), "gtt", usage(0, 0))));

        assertThat(events).containsExactly(
                new GemHandleDelete(1, 1),
                new GemFree(1),
                new GemUnpin(2, 8 * MIB));
    }

    @Test
    void cmaMemoryIsResidentFromCreationAndNeverPinned() {
        next(INIT);

        List<EventBody> events = next(INIT, process(500, 400, 1, "weston", 12, amdgpu(42, "cma", usage(6 * MIB, 1 * MIB)),
                30, new DmaBuf(90, "cma", 2 * MIB, 1)));

        assertThat(events).filteredOn(event -> event instanceof GemPin).isEmpty();
        assertThat(referee.model().objects()).allSatisfy(object -> assertThat(object.residentBytes()).isEqualTo(object.sizeBytes()));
    }

    @Test
    void oomScoreAdjIsInheritedAtForkAndReportedWhenItDiffers() {
        ProcessSample shell = new ProcessSample(500, 400, 1, "gnome-shell", -900, SMALL, new TreeMap<>(), new TreeMap<>());
        next(INIT, shell);

        List<EventBody> events = next(INIT, shell,
                new ProcessSample(510, 450, 500, "helper", -900, SMALL, new TreeMap<>(), new TreeMap<>()),
                new ProcessSample(520, 460, 500, "app", 200, SMALL, new TreeMap<>(), new TreeMap<>()));

        assertThat(events).containsExactly(
                new ProcessFork(510, 500, "helper", false),
                new ProcessFork(520, 500, "app", false),
                counters(510, SMALL),
                counters(520, SMALL),
                new OomScoreAdj(520, 200));
    }

    @Test
    void aParentMissingFromTheSampleIsNoParentToTheModel() {
        next(INIT);

        assertThat(next(INIT, process(900, 950, 2, "modprobe"))).startsWith(new ProcessFork(900, 0, "modprobe", false));
    }

    @Test
    void aChangeOfTheHostsMemoryIsReportedFirst() {
        next(INIT);

        assertThat(next(32 * GIB, INIT)).containsExactly(new HostMemory(32 * GIB, 2 * GIB));
    }

    @Test
    void aLongRandomStreamIsAcceptedEventForEvent() {
        java.util.Random random = new java.util.Random(20240611);
        List<ProcessSample> live = new ArrayList<>(List.of(INIT));
        long clock = 10;
        for (int round = 0; round < 200; round++) {
            List<ProcessSample> sample = new ArrayList<>();
            for (ProcessSample process : live) {
                if (process.pid() == 1 || random.nextInt(10) > 0) {
                    sample.add(random.nextInt(3) == 0 ? reshuffled(process, random) : process);
                }
            }
            if (random.nextBoolean()) {
                ProcessSample parent = sample.get(random.nextInt(sample.size()));
                int pid = 100 + random.nextInt(40);
                if (sample.stream().noneMatch(process -> process.pid() == pid)) {
                    sample.add(reshuffled(new ProcessSample(pid, clock++, parent.pid(), "p" + pid, 0, SMALL, parent.fds(),
                            parent.dmaBufMappings()), random));
                }
            }
            live = sample;
            next(live.toArray(ProcessSample[]::new));
        }
        assertThat(referee.model().processes()).hasSize(live.size());
    }

    /** The same process with some fds closed, some opened, some dma-bufs mapped or unmapped, and its clients' memory changed. */
    private static ProcessSample reshuffled(ProcessSample process, java.util.Random random) {
        Map<Integer, OpenFd> fds = new TreeMap<>();
        process.fds().forEach((fd, open) -> {
            if (random.nextInt(4) > 0) {
                fds.put(fd, open instanceof DrmClient client && random.nextBoolean() ? resized(client, random) : open);
            }
        });
        for (int opened = random.nextInt(3); opened > 0; opened--) {
            int fd = 3 + random.nextInt(12);
            fds.put(fd, random.nextBoolean()
                    ? amdgpu(random.nextInt(8), "vram", usage(random.nextInt(64) * MIB, random.nextInt(64) * MIB))
                    : new DmaBuf(1 + random.nextInt(6), random.nextBoolean() ? "amdgpu" : "cma", (1 + random.nextInt(4)) * MIB,
                            1 + random.nextInt(4)));
        }
        Map<Long, DmaBufMapping> mappings = new TreeMap<>(process.dmaBufMappings());
        if (random.nextInt(3) == 0) {
            long inode = 1 + random.nextInt(6);
            if (random.nextBoolean()) {
                mappings.remove(inode);
            } else {
                mappings.put(inode, new DmaBufMapping(1 + random.nextInt(3), (1 + random.nextInt(4)) * MIB));
            }
        }
        MmSample memory = new MmSample(random.nextInt(9) * MIB, random.nextInt(9) * MIB, 0, 0, 48 * KIB);
        return new ProcessSample(process.pid(), process.startTime(), process.parentPid(), process.comm(), random.nextInt(3) * 100,
                memory, new TreeMap<>(fds), new TreeMap<>(mappings));
    }

    private static DrmClient resized(DrmClient client, java.util.Random random) {
        return amdgpu(client.clientId().getAsLong(), "vram", usage(random.nextInt(64) * MIB + random.nextInt(4096), random.nextInt(80) * MIB),
                "gtt", usage(random.nextInt(3) * MIB, random.nextInt(3) * MIB));
    }
}
