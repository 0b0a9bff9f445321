package io.gemtrack.collector.diff;

import io.gemtrack.collector.diff.HostTarget.PagedRegion;
import io.gemtrack.collector.diff.HostTarget.Status;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DeviceMemory;
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
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemStatus;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a consumer's model holds after the events emitted so far. Every change goes through a method that emits
 * the event making it, under the rules of SEMANTICS.md, so the view stays the fold of the stream and each diff
 * starts from what the consumer really has.
 *
 * <p>dma-bufs: the schema exports a dma-buf from a GEM object, and creates GEM objects in DRM files. A dma-buf
 * seen in fdinfo or maps gets an object of its own on a pseudo device, region = its exporter, created through a DRM
 * file that lives at an fd no process can have just long enough to create the object and export it; one seen only
 * in mappings is exported at another such fd, closed at once, and lives on for its mappings.
 *
 * <p>Shared memory whose holders are unknown lives in one pool file per device, opened at such an fd and closed at
 * once: the file stays with no fd, so its objects have handles, and no holders.
 */
final class HostView {

    /** The pseudo device of dma-buf objects: above any minor the kernel gives a DRM node. */
    static final int DMA_BUF_MINOR = Integer.MAX_VALUE;
    /** Above the kernel's largest possible fd (sysctl_nr_open_max), so never one a process has. */
    static final int EXPORT_FD = Integer.MAX_VALUE;
    /** Where a dma-buf seen only through mappings is exported, next to {@link #EXPORT_FD}, and closed at once. */
    static final int MAPPED_EXPORT_FD = Integer.MAX_VALUE - 1;
    private static final int EXPORT_HANDLE = 1;
    /** SEMANTICS.md §3: objects in this region are resident in full from creation and cannot be pinned. */
    static final String CMA_REGION = "cma";

    private final Ids ids;
    private final List<EventBody> events = new ArrayList<>();
    private HostMemory memory;
    private final SortedMap<Integer, ProcessView> processes = new TreeMap<>();
    private final SortedMap<Long, FileView> files = new TreeMap<>();
    /** The files holding each device's shared memory whose holders are unknown, by minor; no fd refers to them. */
    private final SortedMap<Integer, Long> poolFiles = new TreeMap<>();
    private final SortedMap<Long, DmaBufView> dmaBufs = new TreeMap<>();
    /** What each device minor last said it uses, per region. */
    private final SortedMap<Integer, SortedMap<String, Long>> deviceUse = new TreeMap<>();
    /** The last sample of each cgroup's memory files sent, by path. */
    private final SortedMap<String, ResourceUsage> resourceUsage = new TreeMap<>();

    HostView(Ids ids) {
        this.ids = ids;
    }

    /** The events emitted since the last call. */
    List<EventBody> drainEvents() {
        List<EventBody> drained = List.copyOf(events);
        events.clear();
        return drained;
    }

    // ---- queries ----------------------------------------------------------------------------------------

    HostMemory memory() {
        return memory;
    }

    SortedSet<Integer> pids() {
        return new TreeSet<>(processes.keySet());
    }

    boolean hasProcess(int pid) {
        return processes.containsKey(pid);
    }

    MmCounters counters(int pid) {
        return processes.get(pid).counters;
    }

    int oomScoreAdj(int pid) {
        return processes.get(pid).oomScoreAdj;
    }

    SortedMap<Integer, FdTarget> fds(int pid) {
        return new TreeMap<>(processes.get(pid).fds);
    }

    /** The clients' files, without the pools'. */
    /** How many areas of the process map each dma-buf, by inode. */
    SortedMap<Long, Integer> mappings(int pid) {
        return new TreeMap<>(processes.get(pid).mappings);
    }

    SortedSet<Long> fileIds() {
        SortedSet<Long> clients = new TreeSet<>(files.keySet());
        clients.removeAll(poolFiles.values());
        return clients;
    }

    Optional<Long> poolFile(int minor) {
        return Optional.ofNullable(poolFiles.get(minor));
    }

    SortedSet<Integer> poolMinors() {
        return new TreeSet<>(poolFiles.keySet());
    }

    boolean hasFile(long file) {
        return files.containsKey(file);
    }

    SortedMap<String, PagedRegion> regions(long file) {
        return files.get(file).regions.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                entry -> new PagedRegion(entry.getValue().sizeBytes, entry.getValue().residentBytes, entry.getValue().status),
                (a, b) -> a, TreeMap::new));
    }

    Optional<Long> deviceUse(int minor, String region) {
        return Optional.ofNullable(deviceUse.getOrDefault(minor, new TreeMap<>()).get(region));
    }

    SortedMap<Integer, SortedMap<String, Long>> deviceUseRegions() {
        SortedMap<Integer, SortedMap<String, Long>> copy = new TreeMap<>();
        deviceUse.forEach((minor, regions) -> copy.put(minor, new TreeMap<>(regions)));
        return copy;
    }

    SortedSet<Long> dmaBufInodes() {
        return new TreeSet<>(dmaBufs.keySet());
    }

    boolean hasDmaBuf(long inode) {
        return dmaBufs.containsKey(inode);
    }

    // ---- processes --------------------------------------------------------------------------------------

    void memory(HostMemory hostMemory) {
        emit(hostMemory);
        memory = hostMemory;
    }

    /**
     * SEMANTICS.md §1: a known parent passes on its fd table and oom_score_adj; an unknown one nothing. The child
     * starts in {@code cgroup}, where the sample found it.
     */
    void fork(int pid, int parentPid, String comm, String cgroup) {
        ProcessView parent = processes.get(parentPid);
        boolean inherited = parent != null ? parent.cgroup.equals(cgroup) : cgroup.equals(EventBody.ROOT_CGROUP);
        emit(new ProcessFork(pid, parentPid, comm, false, inherited ? EventBody.PARENT_CGROUP : cgroup));
        ProcessView child = new ProcessView(pid, parentPid, comm, parent == null ? 0 : parent.oomScoreAdj, cgroup);
        if (parent != null) {
            child.fds.putAll(parent.fds);
            child.mappings.putAll(parent.mappings);
        }
        processes.put(pid, child);
    }

    String cgroup(int pid) {
        return processes.get(pid).cgroup;
    }

    void migrate(int pid, String cgroup) {
        emit(new ProcessMigrate(pid, cgroup));
        processes.get(pid).cgroup = cgroup;
    }

    /** The cgroups sampled, by path. */
    SortedMap<String, ResourceUsage> resourceUsage() {
        return new TreeMap<>(resourceUsage);
    }

    void resourceUsage(ResourceUsage usage) {
        emit(usage);
        resourceUsage.put(usage.cgroup(), usage);
    }

    void removeCgroup(String cgroup) {
        emit(new ResourceGroupRemove(cgroup));
        resourceUsage.remove(cgroup);
    }

    /** The whole group exits and its fds close with it, its mappings with its mm; the files and dma-bufs stay until released. */
    void exit(int pid) {
        emit(new ProcessExit(pid));
        processes.remove(pid);
    }

    void counters(MmCounters counters) {
        emit(counters);
        processes.get(counters.pid()).counters = counters;
    }

    void oomScoreAdj(int pid, int oomScoreAdj) {
        emit(new OomScoreAdj(pid, oomScoreAdj));
        processes.get(pid).oomScoreAdj = oomScoreAdj;
    }

    // ---- fds and DRM files ------------------------------------------------------------------------------

    void openFile(int pid, int fd, long file, int minor) {
        emit(new DrmFileOpen(pid, fd, file, minor));
        files.put(file, new FileView(minor));
        processes.get(pid).fds.put(fd, FdTarget.drmFile(file));
    }

    /** An existing file or dma-buf at another fd: a dup if the process holds it already, else received from another. */
    void install(int pid, int fd, FdTarget target) {
        ProcessView process = processes.get(pid);
        FdOrigin origin = process.fds.containsValue(target) ? FdOrigin.DUP : FdOrigin.UNIX_SOCKET;
        emit(target.isDrmFile() ? new FdInstall(pid, fd, target.file(), origin)
                : new DmaBufFdInstall(pid, fd, target.inode(), origin));
        process.fds.put(fd, target);
    }

    void closeFd(int pid, int fd) {
        emit(new FdClose(pid, fd));
        processes.get(pid).fds.remove(fd);
    }

    /**
     * A device's pool file: opened by {@code creatorPid} at an fd no process can have and closed at once, so the
     * file stays with no fd, and the objects made through it have handles (they live) but no holders.
     */
    long openPoolFile(int minor, int creatorPid) {
        long file = ids.file();
        emit(new DrmFileOpen(creatorPid, EXPORT_FD, file, minor));
        emit(new FdClose(creatorPid, EXPORT_FD));
        files.put(file, new FileView(minor));
        poolFiles.put(minor, file);
        return file;
    }

    void closePoolFile(int minor) {
        closeFile(poolFiles.remove(minor));
    }

    /** The file goes with its handles, and then its objects, which nothing else references. Valid once no fd refers to it. */
    void closeFile(long file) {
        emit(new DrmFileClose(file));
        for (RegionObject object : files.remove(file).regions.values()) {
            emit(new GemFree(object.object));
        }
    }

    // ---- a DRM client's objects -------------------------------------------------------------------------

    void createRegionObject(long file, String region, PagedRegion figures, int creatorPid) {
        FileView view = files.get(file);
        RegionObject object = new RegionObject(ids.object(), ++view.lastHandle, figures.sizeBytes(), figures.residentBytes(), creatorPid);
        emit(new GemCreate(object.object, view.minor, region, object.sizeBytes, creatorPid, file, object.handle));
        pinAtCreation(object.object, region, object.residentBytes);
        view.regions.put(region, object);
        if (!figures.status().equals(Status.NONE)) {
            changeStatus(file, region, figures.status());
        }
    }

    /** The driver's new figures of a region object's resident bytes, which the caller keeps within them. */
    void changeStatus(long file, String region, Status status) {
        RegionObject object = files.get(file).regions.get(region);
        emit(new GemStatus(object.object, status.purgeableBytes(), status.activeBytes(), status.evictedBytes()));
        object.status = status;
    }

    // ---- devices ----------------------------------------------------------------------------------------

    /** What the device counts as used in the region now, replacing what it said last. */
    void deviceUse(int minor, String region, long usedBytes) {
        emit(new DeviceMemory(minor, region, usedBytes));
        deviceUse.computeIfAbsent(minor, absent -> new TreeMap<>()).put(region, usedBytes);
    }

    void changeResident(long file, String region, long residentBytes) {
        RegionObject object = files.get(file).regions.get(region);
        long delta = residentBytes - object.residentBytes;
        emit(delta > 0 ? new GemPin(object.object, delta) : new GemUnpin(object.object, -delta));
        object.residentBytes = residentBytes;
    }

    void freeRegionObject(long file, String region) {
        RegionObject object = files.get(file).regions.remove(region);
        emit(new GemHandleDelete(file, object.handle));
        emit(new GemFree(object.object));
    }

    // ---- dma-bufs ---------------------------------------------------------------------------------------

    void exportDmaBuf(int pid, int fd, long inode, String exporter, long sizeBytes) {
        long file = ids.file();
        long object = ids.object();
        emit(new DrmFileOpen(pid, EXPORT_FD, file, DMA_BUF_MINOR));
        emit(new GemCreate(object, DMA_BUF_MINOR, exporter, sizeBytes, pid, file, EXPORT_HANDLE));
        // fdinfo says nothing of a dma-buf's residency; an exported buffer is taken to be backed.
        pinAtCreation(object, exporter, sizeBytes);
        emit(new DmaBufExport(object, inode, pid, fd));
        emit(new FdClose(pid, EXPORT_FD));
        emit(new DrmFileClose(file));
        dmaBufs.put(inode, new DmaBufView(object, exporter, sizeBytes, pid));
        processes.get(pid).fds.put(fd, FdTarget.dmaBuf(inode));
    }

    /** A dma-buf no process has an fd to: exported at an fd closed at once, so it lives on for its mappings. */
    void exportMappedDmaBuf(int pid, long inode, String exporter, long sizeBytes) {
        exportDmaBuf(pid, MAPPED_EXPORT_FD, inode, exporter, sizeBytes);
        closeFd(pid, MAPPED_EXPORT_FD);
    }

    /** SEMANTICS.md §3: each area mapping the buffer maps its object once. */
    void map(int pid, long inode, int count) {
        long object = dmaBufs.get(inode).object();
        for (int i = 0; i < count; i++) {
            emit(new GemMmap(pid, object));
        }
        processes.get(pid).mappings.merge(inode, count, Integer::sum);
    }

    void unmap(int pid, long inode, int count) {
        long object = dmaBufs.get(inode).object();
        for (int i = 0; i < count; i++) {
            emit(new GemMunmap(pid, object));
        }
        processes.get(pid).mappings.merge(inode, -count, (now, less) -> now + less == 0 ? null : now + less);
    }

    /** Valid once no fd or mapping refers to it; its object has no other reference and goes with it. */
    void releaseDmaBuf(long inode) {
        emit(new DmaBufRelease(inode));
        emit(new GemFree(dmaBufs.remove(inode).object));
    }

    private void pinAtCreation(long object, String region, long residentBytes) {
        if (residentBytes > 0 && !region.equals(CMA_REGION)) {
            emit(new GemPin(object, residentBytes));
        }
    }

    private void emit(EventBody event) {
        events.add(event);
    }

    // ---- snapshot ---------------------------------------------------------------------------------------

    HostSnapshot snapshot() {
        List<SnapshotProcess> snapshotProcesses = processes.values().stream()
                .map(process -> new SnapshotProcess(process.pid, process.parentPid, process.comm, List.of(), process.oomScoreAdj,
                        process.counters, process.fds.entrySet().stream().map(fd -> fd.getValue().at(fd.getKey())).toList(),
                        process.mappings.entrySet().stream()
                                .map(mapping -> new SnapshotMapping(dmaBufs.get(mapping.getKey()).object(), mapping.getValue()))
                                .sorted(Comparator.comparingLong(SnapshotMapping::object)).toList(), process.cgroup))
                .toList();
        List<SnapshotFile> snapshotFiles = new ArrayList<>();
        List<SnapshotObject> objects = new ArrayList<>();
        files.forEach((id, file) -> {
            snapshotFiles.add(new SnapshotFile(id, file.minor, file.regions.values().stream()
                    .map(object -> new SnapshotHandle(object.handle, object.object)).toList()));
            file.regions.forEach((region, object) -> objects.add(new SnapshotObject(object.object, file.minor, region,
                    object.sizeBytes, object.creatorPid, hasProcess(object.creatorPid), object.residentBytes,
                    object.status.purgeableBytes(), object.status.activeBytes(), object.status.evictedBytes())));
        });
        List<SnapshotDmaBuf> snapshotDmaBufs = new ArrayList<>();
        dmaBufs.forEach((inode, dmaBuf) -> {
            objects.add(new SnapshotObject(dmaBuf.object, DMA_BUF_MINOR, dmaBuf.exporter, dmaBuf.sizeBytes, dmaBuf.creatorPid,
                    hasProcess(dmaBuf.creatorPid), dmaBuf.sizeBytes));
            snapshotDmaBufs.add(new SnapshotDmaBuf(inode, dmaBuf.object));
        });
        List<DeviceMemory> devices = new ArrayList<>();
        deviceUse.forEach((minor, regions) -> regions.forEach((region, used) -> devices.add(new DeviceMemory(minor, region, used))));
        return new HostSnapshot(memory, List.of(), snapshotProcesses, snapshotFiles, objects, snapshotDmaBufs, devices,
                List.copyOf(resourceUsage.values()));
    }

    // ---- state ------------------------------------------------------------------------------------------

    private static final class ProcessView {
        final int pid;
        final int parentPid;
        final String comm;
        int oomScoreAdj;
        /** SEMANTICS.md §1: zero until the process's first sample. */
        MmCounters counters;
        final SortedMap<Integer, FdTarget> fds = new TreeMap<>();
        final SortedMap<Long, Integer> mappings = new TreeMap<>();
        String cgroup;

        ProcessView(int pid, int parentPid, String comm, int oomScoreAdj, String cgroup) {
            this.pid = pid;
            this.parentPid = parentPid;
            this.comm = comm;
            this.oomScoreAdj = oomScoreAdj;
            this.cgroup = cgroup;
            this.counters = new MmCounters(pid, 0, 0, 0, 0, 0, 0);
        }
    }

    private static final class FileView {
        final int minor;
        final SortedMap<String, RegionObject> regions = new TreeMap<>();
        int lastHandle;

        FileView(int minor) {
            this.minor = minor;
        }
    }

    /** The one GEM object standing for a DRM client's buffers in a region, held by the client's file at {@code handle}. */
    private static final class RegionObject {
        final long object;
        final int handle;
        final long sizeBytes;
        long residentBytes;
        final int creatorPid;
        Status status = Status.NONE;

        RegionObject(long object, int handle, long sizeBytes, long residentBytes, int creatorPid) {
            this.object = object;
            this.handle = handle;
            this.sizeBytes = sizeBytes;
            this.residentBytes = residentBytes;
            this.creatorPid = creatorPid;
        }
    }

    private record DmaBufView(long object, String exporter, long sizeBytes, int creatorPid) {
    }
}
