package io.gemtrack.collector.diff;

import io.gemtrack.collector.diff.HostTarget.PagedRegion;
import io.gemtrack.collector.diff.HostTarget.PoolRegion;
import io.gemtrack.collector.diff.HostTarget.TargetDmaBuf;
import io.gemtrack.collector.diff.HostTarget.TargetFile;
import io.gemtrack.collector.diff.HostTarget.TargetProcess;
import io.gemtrack.collector.procfs.CgroupUsage;
import io.gemtrack.collector.procfs.DeviceUse;
import io.gemtrack.collector.procfs.DmaBufMapping;
import io.gemtrack.collector.procfs.HostSample;
import io.gemtrack.collector.procfs.MmSample;
import io.gemtrack.collector.procfs.OpenFd;
import io.gemtrack.collector.procfs.OpenFd.DmaBuf;
import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import io.gemtrack.collector.procfs.OpenFd.RegionUsage;
import io.gemtrack.collector.procfs.ProcessSample;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ResourceUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Turns successive samples of one host into the events between them. The first sample becomes a
 * {@link EventBody.HostSnapshot}; each later one the events that take a consumer's model from the previous
 * sample to it, in an order the model accepts: forks before anything of the new processes, fds before the
 * objects of their files, closes and exits before the releases they allow.
 *
 * <p>Buffers are not visible one by one in fdinfo. A DRM client's private memory in a region ({@code drm-total}
 * less {@code drm-shared}, whole pages, residency as {@link ClientMemory} places it) stands as one GEM object of
 * the client's file; each device's shared memory whose holders are unknown as one object per region of a file no fd
 * refers to ({@link SharedPools}); when a size changes, the object is freed and a new one created. An object's
 * creator is the oldest process holding the client. A dma-buf, found by its inode in fd tables and in mappings, is
 * an object of its own, held by the processes with an fd to it or a mapping of it.
 *
 * <p>What the driver says of resident bytes (purgeable, active, evicted) is the objects' {@code GemStatus}; what a
 * device counts as used in a region, its {@code DeviceMemory}; what {@code /proc/meminfo} says GPU drivers hold, the
 * host's {@code HostMemory}. Each is sent when it changes.
 */
public final class HostDiffer {

    /** The region of a dma-buf seen only through mappings: maps names no exporter. */
    static final String UNKNOWN_EXPORTER = "unknown";

    private final Ids ids = new Ids();
    private final DeviceMinors deviceMinors = new DeviceMinors();
    private final HostView view = new HostView(ids);
    private final LiveIds<ProcessKey, Integer> pids = new LiveIds<>();
    private final ClientKeys clientKeys = new ClientKeys();
    private final LiveIds<ClientKeys.ClientKey, Long> files = new LiveIds<>();
    /** Keyed by the kernel's inode: dma-buf inodes are numbered by a 64-bit counter of their own, never reused. */
    private final LiveIds<Long, Long> dmaBufs = new LiveIds<>();
    private boolean snapshotSent;
    /** Kernel pid to event pid of every process of the last sample. */
    private Map<Integer, Integer> eventPids = Map.of();

    /** The events from the previous sample to this one; the first time, the snapshot of this one. */
    public List<EventBody> next(HostSample sample) {
        reconcile(target(sample));
        List<EventBody> events = view.drainEvents();
        if (snapshotSent) {
            return events;
        }
        snapshotSent = true;
        return List.of(view.snapshot());
    }

    /** The event pid of each process of the last sample, by kernel pid (they differ for a pid the kernel reused). */
    public Map<Integer, Integer> eventPids() {
        return eventPids;
    }

    // ---- what the sample calls for ----------------------------------------------------------------------

    private HostTarget target(HostSample sample) {
        Map<Integer, ProcessKey> processKeys = new HashMap<>();
        Map<Integer, Integer> eventPids = new HashMap<>();
        for (ProcessSample process : sample.processes()) {
            ProcessKey key = new ProcessKey(process.pid(), process.startTime());
            processKeys.put(process.pid(), key);
            eventPids.put(process.pid(), pids.id(key, () -> ids.pid(process.pid())));
        }
        SampledBuffers buffers = new SampledBuffers();
        Map<Integer, TargetProcess> processes = new LinkedHashMap<>();
        for (ProcessSample process : sample.processes()) {
            int pid = eventPids.get(process.pid());
            ProcessKey holder = processKeys.get(process.pid());
            ProcessKey parent = processKeys.get(process.parentPid());
            SortedMap<Integer, FdTarget> fds = new TreeMap<>();
            process.fds().forEach((fd, open) -> fds.put(fd, open instanceof DrmClient client
                    ? buffers.drmFile(client, clientKeys.key(client, holder, parent, fd), pid)
                    : buffers.dmaBuf((DmaBuf) open)));
            SortedMap<Long, Integer> mappings = new TreeMap<>();
            process.dmaBufMappings().forEach((inode, mapping) -> mappings.put(buffers.mappedDmaBuf(inode, mapping), mapping.count()));
            // A parent the sample lacks (a kernel thread, an unreadable process) is one the model does not know either.
            int parentPid = eventPids.getOrDefault(process.parentPid(), 0);
            processes.put(pid, new TargetProcess(pid, parentPid, process.comm(), process.oomScoreAdj(),
                    counters(pid, process.memory()), fds, mappings,
                    process.cgroup() == null ? EventBody.ROOT_CGROUP : process.cgroup()));
        }
        this.eventPids = Map.copyOf(eventPids);
        buffers.sizeMappedOnly();
        SortedMap<Integer, SortedMap<String, Long>> deviceUse = new TreeMap<>();
        for (DeviceUse use : sample.deviceUse()) {
            deviceUse.computeIfAbsent(deviceMinors.minor(use.driver(), use.device(), use.node()), minor -> new TreeMap<>())
                    .put(use.region(), Pages.whole(use.usedBytes()));
        }
        pids.endSample();
        clientKeys.endSample();
        files.endSample();
        dmaBufs.endSample();
        HostMemory memory = new HostMemory(Pages.whole(sample.memTotalBytes()), Pages.whole(sample.swapTotalBytes()),
                Pages.whole(sample.gpuActiveBytes()), Pages.whole(sample.gpuReclaimBytes()));
        return new HostTarget(memory, processes, buffers.files, buffers.dmaBufs,
                SharedPools.pools(List.copyOf(buffers.contributions.values()), buffers.exportedBuffers()), deviceUse,
                cgroups(sample));
    }

    /**
     * The cgroups' samples in whole pages, their dmem lines named by the minors of the devices the sample's clients
     * are on (a device no client shows has no minor in the stream, and its lines are left out).
     */
    private SortedMap<String, ResourceUsage> cgroups(HostSample sample) {
        Map<String, Integer> minors = new HashMap<>();
        for (ProcessSample process : sample.processes()) {
            for (OpenFd open : process.fds().values()) {
                if (open instanceof DrmClient client) {
                    minors.putIfAbsent(client.device(), deviceMinors.minor(client.driver(), client.device(), client.node()));
                }
            }
        }
        SortedMap<String, ResourceUsage> cgroups = new TreeMap<>();
        for (CgroupUsage usage : sample.cgroups().usage()) {
            List<DmemRegion> dmem = new ArrayList<>();
            usage.dmem().forEach((device, regions) -> {
                Integer minor = minors.get(device);
                if (minor != null) {
                    regions.forEach((region, figures) -> dmem.add(new DmemRegion(minor, region, Pages.whole(figures.currentBytes()),
                            limit(figures.maxBytes()))));
                }
            });
            cgroups.put(usage.path(), new ResourceUsage(usage.path(), Pages.whole(usage.memoryCurrentBytes()),
                    limit(usage.memoryMaxBytes()), dmem));
        }
        return cgroups;
    }

    /** A limit in whole pages, rounded down as the kernel stores it; none stays none. */
    private static long limit(long bytes) {
        return bytes == CgroupUsage.NO_LIMIT ? EventBody.NO_LIMIT : bytes / EventBody.PAGE_SIZE * EventBody.PAGE_SIZE;
    }

    /** The files and dma-bufs of one sample, by event id, with what the shared pools are made of. */
    private final class SampledBuffers {
        final Map<Long, TargetFile> files = new TreeMap<>();
        final Map<Long, TargetDmaBuf> dmaBufs = new TreeMap<>();
        final SortedMap<Long, SharedPools.Contribution> contributions = new TreeMap<>();
        /** Per dma-buf, the references its fdinfo counts and the ones this sample has seen. */
        private final Map<Long, long[]> references = new TreeMap<>();
        private final Set<String> drivers = new HashSet<>();

        FdTarget drmFile(DrmClient client, ClientKeys.ClientKey key, int holderPid) {
            long file = HostDiffer.this.files.id(key, ids::file);
            if (!files.containsKey(file)) {
                int minor = deviceMinors.minor(client.driver(), client.device(), client.node());
                ClientMemory.Split split = ClientMemory.split(filed(client.regions(), client.evicted()));
                files.put(file, new TargetFile(minor, holderPid, split.own()));
                contributions.put(file, new SharedPools.Contribution(minor, client.driver(), holderPid, split.shared()));
                drivers.add(client.driver());
            }
            return FdTarget.drmFile(file);
        }

        /** A dma-buf no fd of the sample shows: its size is the furthest a mapping reaches, its exporter unknown. */
        private final Map<Long, Long> mappedExtents = new TreeMap<>();

        FdTarget dmaBuf(DmaBuf dmaBuf) {
            long inode = HostDiffer.this.dmaBufs.id(dmaBuf.inode(), ids::inode);
            this.dmaBufs.putIfAbsent(inode, new TargetDmaBuf(dmaBuf.exporter(), Pages.whole(dmaBuf.sizeBytes())));
            long[] counted = references.computeIfAbsent(inode, absent -> new long[2]);
            counted[0] = Math.max(counted[0], dmaBuf.references());
            counted[1]++;
            return FdTarget.dmaBuf(inode);
        }

        long mappedDmaBuf(long kernelInode, DmaBufMapping mapping) {
            long inode = HostDiffer.this.dmaBufs.id(kernelInode, ids::inode);
            mappedExtents.merge(inode, mapping.extentBytes(), Math::max);
            references.computeIfAbsent(inode, absent -> new long[2])[1] += mapping.count();
            return inode;
        }

        void sizeMappedOnly() {
            mappedExtents.forEach((inode, extent) -> dmaBufs.putIfAbsent(inode, new TargetDmaBuf(UNKNOWN_EXPORTER, Pages.whole(extent))));
        }

        /**
         * The dma-bufs exported from GEM objects (exp_name {@code drm}, or a DRM driver's) that the kernel references
         * beyond what processes show: the GEM object keeps a reference while it has a handle, so such a buffer is in
         * some client's shared bytes.
         */
        List<SharedPools.ExportedBuffer> exportedBuffers() {
            List<SharedPools.ExportedBuffer> exported = new ArrayList<>();
            references.forEach((inode, counted) -> {
                TargetDmaBuf dmaBuf = dmaBufs.get(inode);
                boolean gem = dmaBuf.exporter().equals(SharedPools.GEM_PRIME_EXPORTER) || drivers.contains(dmaBuf.exporter());
                if (gem && counted[0] > counted[1]) {
                    exported.add(new SharedPools.ExportedBuffer(dmaBuf.exporter(), dmaBuf.sizeBytes()));
                }
            });
            return exported;
        }
    }

    private static SortedMap<String, ClientMemory.Filed> filed(SortedMap<String, RegionUsage> regions, SortedMap<String, Long> evicted) {
        SortedMap<String, ClientMemory.Filed> filed = new TreeMap<>();
        regions.forEach((region, usage) -> filed.put(region, new ClientMemory.Filed(usage.totalBytes(), usage.sharedBytes(),
                usage.residentBytes(), usage.purgeableBytes(), usage.activeBytes(), evicted.getOrDefault(region, 0L))));
        return filed;
    }

    /** Mainline kernels have no MM_DRIVERPAGES counter: the RFC's driver pages are reported as the 0 they are. */
    private static MmCounters counters(int pid, MmSample memory) {
        return new MmCounters(pid, Pages.whole(memory.fileBytes()), Pages.whole(memory.anonBytes()),
                Pages.whole(memory.shmemBytes()), Pages.whole(memory.swapBytes()), Pages.whole(memory.pageTableBytes()), 0);
    }


    // ---- the events that get the view there -------------------------------------------------------------

    private void reconcile(HostTarget target) {
        if (!target.memory().equals(view.memory())) {
            view.memory(target.memory());
        }
        for (TargetProcess process : target.processes().values()) {
            if (!view.hasProcess(process.pid())) {
                view.fork(process.pid(), process.parentPid(), process.comm(), process.cgroup());
            } else if (!view.cgroup(process.pid()).equals(process.cgroup())) {
                view.migrate(process.pid(), process.cgroup());
            }
        }
        target.cgroups().forEach((path, usage) -> {
            if (!usage.equals(view.resourceUsage().get(path))) {
                view.resourceUsage(usage);
            }
        });
        for (TargetProcess process : target.processes().values()) {
            installFds(process, target);
        }
        for (TargetProcess process : target.processes().values()) {
            mapDmaBufs(process, target);
        }
        target.files().forEach((file, wanted) -> reconcileRegions(file, wanted.regions(), region -> wanted.holderPid()));
        reconcilePools(target.pools());
        reconcileDeviceUse(target.deviceUse());
        for (TargetProcess process : target.processes().values()) {
            if (!process.counters().equals(view.counters(process.pid()))) {
                view.counters(process.counters());
            }
            if (process.oomScoreAdj() != view.oomScoreAdj(process.pid())) {
                view.oomScoreAdj(process.pid(), process.oomScoreAdj());
            }
        }
        for (int pid : view.pids()) {
            TargetProcess process = target.processes().get(pid);
            if (process == null) {
                view.exit(pid);
            } else {
                view.fds(pid).keySet().stream().filter(fd -> !process.fds().containsKey(fd)).forEach(fd -> view.closeFd(pid, fd));
                view.mappings(pid).forEach((inode, count) -> {
                    int wanted = process.mappings().getOrDefault(inode, 0);
                    if (wanted < count) {
                        view.unmap(pid, inode, count - wanted);
                    }
                });
            }
        }
        removeCgroups(target);
        view.fileIds().stream().filter(file -> !target.files().containsKey(file)).forEach(view::closeFile);
        view.dmaBufInodes().stream().filter(inode -> !target.dmaBufs().containsKey(inode)).forEach(view::releaseDmaBuf);
    }

    /**
     * A cgroup the sample no longer reads goes, the deepest first, once no process is in it or beneath it and no cgroup
     * beneath it is still sampled (rmdir's rule); one that still has them keeps its last sample.
     */
    private void removeCgroups(HostTarget target) {
        List<String> sampled = new ArrayList<>(view.resourceUsage().keySet());
        Collections.reverse(sampled);
        for (String cgroup : sampled) {
            if (target.cgroups().containsKey(cgroup)) {
                continue;
            }
            String prefix = cgroup + "/";
            boolean occupied = target.processes().values().stream()
                    .anyMatch(process -> process.cgroup().equals(cgroup) || process.cgroup().startsWith(prefix));
            boolean parentOfSampled = view.resourceUsage().keySet().stream().anyMatch(path -> path.startsWith(prefix));
            if (!occupied && !parentOfSampled) {
                view.removeCgroup(cgroup);
            }
        }
    }

    /** An fd that refers to something else now is closed first; the first process to show a file or dma-buf creates it. */
    private void installFds(TargetProcess process, HostTarget target) {
        SortedMap<Integer, FdTarget> current = view.fds(process.pid());
        process.fds().forEach((fd, wanted) -> {
            FdTarget now = current.get(fd);
            if (wanted.equals(now)) {
                return;
            }
            if (now != null) {
                view.closeFd(process.pid(), fd);
            }
            if (wanted.isDrmFile() ? view.hasFile(wanted.file()) : view.hasDmaBuf(wanted.inode())) {
                view.install(process.pid(), fd, wanted);
            } else if (wanted.isDrmFile()) {
                view.openFile(process.pid(), fd, wanted.file(), target.files().get(wanted.file()).minor());
            } else {
                TargetDmaBuf dmaBuf = target.dmaBufs().get(wanted.inode());
                view.exportDmaBuf(process.pid(), fd, wanted.inode(), dmaBuf.exporter(), dmaBuf.sizeBytes());
            }
        });
    }

    /** The first process to map a dma-buf no fd shows creates it; fork has copied the parent's mappings already. */
    private void mapDmaBufs(TargetProcess process, HostTarget target) {
        SortedMap<Long, Integer> current = view.mappings(process.pid());
        process.mappings().forEach((inode, wanted) -> {
            if (!view.hasDmaBuf(inode)) {
                TargetDmaBuf dmaBuf = target.dmaBufs().get(inode);
                view.exportMappedDmaBuf(process.pid(), inode, dmaBuf.exporter(), dmaBuf.sizeBytes());
            }
            int now = current.getOrDefault(inode, 0);
            if (wanted > now) {
                view.map(process.pid(), inode, wanted - now);
            }
        });
    }

    /** A region whose size changed gets a new object; {@code creatorOf} names the creator of a region's new object. */
    private void reconcileRegions(long file, SortedMap<String, PagedRegion> wantedRegions, ToIntFunction<String> creatorOf) {
        view.regions(file).forEach((region, now) -> {
            PagedRegion wanted = wantedRegions.get(region);
            if (wanted == null || wanted.sizeBytes() != now.sizeBytes()) {
                view.freeRegionObject(file, region);
            }
        });
        SortedMap<String, PagedRegion> current = view.regions(file);
        wantedRegions.forEach((region, wanted) -> {
            PagedRegion now = current.get(region);
            if (now == null) {
                view.createRegionObject(file, region, wanted, creatorOf.applyAsInt(region));
                return;
            }
            if (now.residentBytes() != wanted.residentBytes()) {
                view.changeResident(file, region, wanted.residentBytes());
            }
            if (!now.status().equals(wanted.status())) {
                view.changeStatus(file, region, wanted.status());
            }
        });
    }

    /** A device's new figure replaces its last; one no longer read (its clients gone) is reported as 0, not left stale. */
    private void reconcileDeviceUse(SortedMap<Integer, SortedMap<String, Long>> deviceUse) {
        deviceUse.forEach((minor, regions) -> regions.forEach((region, used) -> {
            if (!view.deviceUse(minor, region).equals(Optional.of(used))) {
                view.deviceUse(minor, region, used);
            }
        }));
        view.deviceUseRegions().forEach((minor, regions) -> regions.forEach((region, used) -> {
            if (used != 0 && !deviceUse.getOrDefault(minor, new TreeMap<>()).containsKey(region)) {
                view.deviceUse(minor, region, 0);
            }
        }));
    }

    /** A device's pool lives in a file of its own that no fd refers to, so its objects have handles but no holders. */
    private void reconcilePools(SortedMap<Integer, SortedMap<String, PoolRegion>> pools) {
        pools.forEach((minor, regions) -> {
            long file = view.poolFile(minor).orElseGet(() -> view.openPoolFile(minor, regions.values().iterator().next().creatorPid()));
            SortedMap<String, PagedRegion> figures = new TreeMap<>();
            regions.forEach((region, pool) -> figures.put(region, pool.figures()));
            reconcileRegions(file, figures, region -> regions.get(region).creatorPid());
        });
        view.poolMinors().stream().filter(minor -> !pools.containsKey(minor)).forEach(view::closePoolFile);
    }

    /**
     * Event ids of the kernel identities in the current sample. An identity absent from a sample is forgotten,
     * so one that shows up again later is taken for a new thing and gets a new id.
     */
    private static final class LiveIds<K, V> {
        private Map<K, V> previous = new HashMap<>();
        private Map<K, V> current = new HashMap<>();

        V id(K key, Supplier<V> newId) {
            return current.computeIfAbsent(key, absent -> previous.containsKey(absent) ? previous.get(absent) : newId.get());
        }

        void endSample() {
            previous = current;
            current = new HashMap<>();
        }
    }
}
