package io.gemtrack.collector.diff;

import io.gemtrack.collector.diff.HostTarget.PagedRegion;
import io.gemtrack.collector.diff.HostTarget.TargetDmaBuf;
import io.gemtrack.collector.diff.HostTarget.TargetFile;
import io.gemtrack.collector.diff.HostTarget.TargetProcess;
import io.gemtrack.collector.procfs.HostSample;
import io.gemtrack.collector.procfs.MmSample;
import io.gemtrack.collector.procfs.OpenFd.DmaBuf;
import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import io.gemtrack.collector.procfs.OpenFd.RegionUsage;
import io.gemtrack.collector.procfs.ProcessSample;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.MmCounters;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns successive samples of one host into the events between them. The first sample becomes a
 * {@link EventBody.HostSnapshot}; each later one the events that take a consumer's model from the previous
 * sample to it, in an order the model accepts: forks before anything of the new processes, fds before the
 * objects of their files, closes and exits before the releases they allow.
 *
 * <p>Buffers are not visible one by one in fdinfo. A DRM client's memory in a region stands as one GEM object of
 * {@code drm-total} bytes (whole pages) with {@code drm-resident} of them pinned; when the total changes, that
 * object is freed and a new one created. The object's creator is the oldest process holding the client.
 */
public final class HostDiffer {

    private final Ids ids = new Ids();
    private final DeviceMinors deviceMinors = new DeviceMinors();
    private final HostView view = new HostView(ids);
    private final LiveIds<ProcessKey, Integer> pids = new LiveIds<>();
    private final ClientKeys clientKeys = new ClientKeys();
    private final LiveIds<ClientKeys.ClientKey, Long> files = new LiveIds<>();
    /** Keyed by inode, exporter and size together: an inode number reused for another buffer is another buffer. */
    private final LiveIds<DmaBuf, Long> dmaBufs = new LiveIds<>();
    private boolean snapshotSent;

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

    // ---- what the sample calls for ----------------------------------------------------------------------

    private HostTarget target(HostSample sample) {
        Map<Integer, ProcessKey> processKeys = new HashMap<>();
        Map<Integer, Integer> eventPids = new HashMap<>();
        for (ProcessSample process : sample.processes()) {
            ProcessKey key = new ProcessKey(process.pid(), process.startTime());
            processKeys.put(process.pid(), key);
            eventPids.put(process.pid(), pids.id(key, () -> ids.pid(process.pid())));
        }
        Map<Integer, TargetProcess> processes = new LinkedHashMap<>();
        Map<Long, TargetFile> targetFiles = new TreeMap<>();
        Map<Long, TargetDmaBuf> targetDmaBufs = new TreeMap<>();
        for (ProcessSample process : sample.processes()) {
            int pid = eventPids.get(process.pid());
            ProcessKey holder = processKeys.get(process.pid());
            ProcessKey parent = processKeys.get(process.parentPid());
            SortedMap<Integer, FdTarget> fds = new TreeMap<>();
            process.fds().forEach((fd, open) -> fds.put(fd, open instanceof DrmClient client
                    ? drmFileTarget(client, clientKeys.key(client, holder, parent, fd), pid, targetFiles)
                    : dmaBufTarget((DmaBuf) open, targetDmaBufs)));
            // A parent the sample lacks (a kernel thread, an unreadable process) is one the model does not know either.
            int parentPid = eventPids.getOrDefault(process.parentPid(), 0);
            processes.put(pid, new TargetProcess(pid, parentPid, process.comm(), process.oomScoreAdj(),
                    counters(pid, process.memory()), fds));
        }
        pids.endSample();
        clientKeys.endSample();
        files.endSample();
        dmaBufs.endSample();
        return new HostTarget(new HostMemory(Pages.whole(sample.memTotalBytes()), Pages.whole(sample.swapTotalBytes())),
                processes, targetFiles, targetDmaBufs);
    }

    private FdTarget drmFileTarget(DrmClient client, ClientKeys.ClientKey key, int holderPid, Map<Long, TargetFile> targetFiles) {
        long file = files.id(key, ids::file);
        int minor = deviceMinors.minor(client.driver(), client.device(), client.node());
        targetFiles.putIfAbsent(file, new TargetFile(minor, holderPid, paged(client.regions())));
        return FdTarget.drmFile(file);
    }

    private FdTarget dmaBufTarget(DmaBuf dmaBuf, Map<Long, TargetDmaBuf> targetDmaBufs) {
        long inode = dmaBufs.id(dmaBuf, ids::inode);
        targetDmaBufs.putIfAbsent(inode, new TargetDmaBuf(dmaBuf.exporter(), Pages.whole(dmaBuf.sizeBytes())));
        return FdTarget.dmaBuf(inode);
    }

    /** Regions without memory have no object; residency is as the driver files it (see {@link ClientMemory}). */
    private static SortedMap<String, PagedRegion> paged(SortedMap<String, RegionUsage> regions) {
        SortedMap<String, ClientMemory.Filed> filed = new TreeMap<>();
        regions.forEach((region, usage) -> filed.put(region, new ClientMemory.Filed(usage.totalBytes(), 0, usage.residentBytes())));
        return ClientMemory.split(filed).own();
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
                view.fork(process.pid(), process.parentPid(), process.comm());
            }
        }
        for (TargetProcess process : target.processes().values()) {
            installFds(process, target);
        }
        target.files().forEach(this::reconcileRegions);
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
            }
        }
        view.fileIds().stream().filter(file -> !target.files().containsKey(file)).forEach(view::closeFile);
        view.dmaBufInodes().stream().filter(inode -> !target.dmaBufs().containsKey(inode)).forEach(view::releaseDmaBuf);
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

    private void reconcileRegions(long file, TargetFile target) {
        view.regions(file).forEach((region, now) -> {
            PagedRegion wanted = target.regions().get(region);
            if (wanted == null || wanted.sizeBytes() != now.sizeBytes()) {
                view.freeRegionObject(file, region);
            }
        });
        SortedMap<String, PagedRegion> current = view.regions(file);
        target.regions().forEach((region, wanted) -> {
            PagedRegion now = current.get(region);
            if (now == null) {
                view.createRegionObject(file, region, wanted, target.holderPid());
            } else if (now.residentBytes() != wanted.residentBytes()) {
                view.changeResident(file, region, wanted.residentBytes());
            }
        });
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
