package io.gemtrack.producer.kernel;

import static io.gemtrack.producer.kernel.InvariantViolation.require;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemStatus;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.producer.truth.HostFacts;
import io.gemtrack.producer.truth.ObjectTruth;
import io.gemtrack.producer.truth.OomKillFacts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The emulated kernel of one host: processes, mms, DRM devices, files, GEM objects and dma-bufs, driven by
 * calls that stand for system calls, each reporting what happened as events (DESIGN §3) to a sink in the
 * order a kernel would. It keeps the RFC's {@code MM_DRIVERPAGES} exactly as the patches would:
 * {@code drm_gem_add_resident} adds the object's full size in pages to its creator's mm when the object
 * becomes resident (CMA objects: at creation; all others, like etnaviv: at the first pin), and
 * {@code drm_gem_dec_resident} takes it off when the object stops being resident or is freed; both are
 * skipped when the creator's mm is gone ({@code mmget_not_zero} fails).
 *
 * <p>Releases follow their cause as their own events, as SEMANTICS.md §1 says: an exit, a close, an unmap or a
 * handle delete that drops the last reference is followed by {@code DrmFileClose}, then {@code DmaBufRelease},
 * then {@code GemFree}, each in id order. An object is freed exactly when its last reference goes.
 *
 * <p>Every call that the state does not allow (an fd not open, a handle not in the file, an unpin below zero)
 * throws {@link InvariantViolation}: callers are the emulator's own scenarios, so it is a bug. Not thread-safe.
 */
public final class Kernel {

    /** The parent of processes started from outside the model; init itself is not modelled. */
    public static final int INIT_PID = 1;
    private static final int FIRST_PID = 1000;

    private final Consumer<EventBody> sink;
    private final boolean forkFlaw;
    private final boolean driverPagesInBadness;
    /** The service that processes started from init join from now on. */
    private int service;
    private final List<OomKillFacts> oomKills = new ArrayList<>();
    private final KernelState state = new KernelState();
    private int nextPid = FIRST_PID;
    private long nextFile = 1;
    private long nextObject = 1;
    private long nextInode = 1;
    /** What the current call left without references, released by {@link #settle()} before it returns. */
    private final Set<DrmFile> unreferencedFiles = new TreeSet<>((a, b) -> Long.compare(a.id, b.id));
    private final Set<DmaBuf> unreferencedDmaBufs = new TreeSet<>((a, b) -> Long.compare(a.inode, b.inode));
    private final Set<GemObject> unreferencedObjects = new TreeSet<>((a, b) -> Long.compare(a.id, b.id));

    /**
     * @param sink     receives every event body in order
     * @param forkFlaw the flaw review found in the RFC: fork copies the parent's {@code MM_DRIVERPAGES} into the
     *                 child's mm, where nothing ever takes it off again
     */
    public Kernel(Consumer<EventBody> sink, boolean forkFlaw) {
        this(sink, forkFlaw, false);
    }

    /**
     * @param driverPagesInBadness the OOM killer of a kernel with the RFC: {@code MM_DRIVERPAGES} counts in a
     *                             process's badness beside its rss, swap and page tables
     */
    public Kernel(Consumer<EventBody> sink, boolean forkFlaw, boolean driverPagesInBadness) {
        this.sink = sink;
        this.forkFlaw = forkFlaw;
        this.driverPagesInBadness = driverPagesInBadness;
    }

    // ---- host and devices ------------------------------------------------------------------------------

    /** The host's memory, with the system memory its GPU drivers hold in use and in their reclaimable pools. */
    public void reportMemory(long memTotalBytes, long swapTotalBytes, long gpuActiveBytes, long gpuReclaimBytes) {
        state.memory = new HostMemory(memTotalBytes, swapTotalBytes, gpuActiveBytes, gpuReclaimBytes);
        sink.accept(state.memory);
    }

    /**
     * Adds a DRM device with the next minor and returns the minor. A device that {@code reportsUse} reports its own
     * use of its regions and the status of its objects ({@link #reportDriverState}).
     */
    public int addDevice(String driver, List<Region> regions, boolean reportsUse) {
        int minor = state.devices.size();
        DrmDevice device = new DrmDevice(minor, driver, regions, reportsUse);
        state.devices.put(minor, device);
        sink.accept(new DrmDeviceAdded(minor, driver, device.declared));
        return minor;
    }

    /**
     * What the drivers that report their state say at {@code tick}: a region's use when it changed since the last
     * report ({@code DeviceMemory}), and their objects' status when it changed ({@code GemStatus}). Each tick a seventh
     * of the objects changes activity: an object is busy on its engines for three ticks in seven, with all its resident
     * bytes; one in five of the others is marked purgeable; and while a region is more than half full, a
     * quarter of each object's resident bytes there counts as evicted to where it does not prefer to be.
     */
    public void reportDriverState(long tick) {
        for (GemObject object : state.objects.values()) {
            if (!object.device.reportsUse) {
                continue;
            }
            boolean busy = (object.id + tick) % 7 < 3;
            long active = busy ? object.residentBytes : 0;
            long purgeable = !busy && object.id % 5 == 0 ? object.residentBytes : 0;
            boolean pressed = object.region.residentBytes * 2 > object.region.capacityBytes;
            long evicted = pressed ? object.residentBytes / 4 / EventBody.PAGE_SIZE * EventBody.PAGE_SIZE : 0;
            if (purgeable != object.purgeableBytes || active != object.activeBytes || evicted != object.evictedBytes) {
                object.purgeableBytes = purgeable;
                object.activeBytes = active;
                object.evictedBytes = evicted;
                sink.accept(new GemStatus(object.id, purgeable, active, evicted));
            }
        }
        for (DrmDevice device : state.devices.values()) {
            for (DrmDevice.MemoryRegion region : device.regions.values()) {
                if (device.reportsUse && region.usedBytes() != region.reportedUsedBytes) {
                    region.reportedUsedBytes = region.usedBytes();
                    sink.accept(new DeviceMemory(device.minor, region.name, region.reportedUsedBytes));
                }
            }
        }
    }

    // ---- processes ---------------------------------------------------------------------------------------

    /** A new process started by init (unmodelled): no fds, no mappings, {@code oom_score_adj} 0, in the root cgroup. */
    public int spawn(String comm) {
        return fork(INIT_PID, comm);
    }

    /**
     * A new process started by init straight into {@code cgroup} (clone3 with CLONE_INTO_CGROUP, as systemd starts a
     * unit's main process and a container runtime its container's).
     */
    public int spawnInto(String comm, String cgroup) {
        return fork(INIT_PID, comm, cgroup);
    }

    /** A write of {@code pid} to {@code cgroup}'s {@code cgroup.procs}: its whole group moves there. */
    public void migrate(int pid, String cgroup) {
        group(pid).cgroup = cgroup;
        sink.accept(new ProcessMigrate(pid, cgroup));
    }

    /** Writes {@code memory.max} of {@code cgroup}; {@link EventBody#NO_LIMIT} for {@code max}. */
    public void setMemoryMax(String cgroup, long bytes) {
        require(bytes == EventBody.NO_LIMIT || bytes % EventBody.PAGE_SIZE == 0, "memory.max %d is not whole pages", bytes);
        if (bytes == EventBody.NO_LIMIT) {
            state.memoryMax.remove(cgroup);
        } else {
            state.memoryMax.put(cgroup, bytes);
        }
    }

    /**
     * What a reader of cgroupfs samples: for every cgroup below the root that holds a process or has a
     * {@code memory.max}, in it or beneath it, its {@code memory.current} (the file, anon, shmem and page-table bytes of its
     * processes, as memcg charges them; GPU memory is not among them), {@code memory.max}, and the dmem controller's
     * lines of the regions drivers registered with it (the VRAM of the devices that report their use), each the
     * resident bytes of the objects created in the cgroup or beneath it; reported when it changed. A cgroup that was
     * reported and has neither a process nor a limit any more is removed (rmdir, the deepest first), as systemd does
     * when a unit stops.
     */
    public void reportCgroups() {
        Map<String, ResourceUsage> usage = new TreeMap<>();
        List<String> occupied = new ArrayList<>(state.memoryMax.keySet());
        state.processes.values().forEach(group -> occupied.add(group.cgroup));
        Set<String> sampled = new TreeSet<>();
        for (String cgroup : occupied) {
            for (String path = cgroup; !path.equals(EventBody.ROOT_CGROUP); path = parentCgroup(path)) {
                sampled.add(path);
            }
        }
        for (String cgroup : sampled) {
            usage.put(cgroup, usage(cgroup));
        }
        List<String> gone = new ArrayList<>(state.reportedUsage.keySet());
        gone.removeAll(usage.keySet());
        Collections.reverse(gone);
        for (String cgroup : gone) {
            state.reportedUsage.remove(cgroup);
            sink.accept(new ResourceGroupRemove(cgroup));
        }
        usage.forEach((cgroup, sample) -> {
            if (!sample.equals(state.reportedUsage.get(cgroup))) {
                state.reportedUsage.put(cgroup, sample);
                sink.accept(sample);
            }
        });
    }

    private ResourceUsage usage(String cgroup) {
        long current = 0;
        for (TaskGroup group : state.processes.values()) {
            if (inCgroup(group.cgroup, cgroup)) {
                MmCounters sample = group.mm.sample;
                current += sample.fileBytes() + sample.anonBytes() + sample.shmemBytes() + sample.pageTableBytes();
            }
        }
        List<DmemRegion> dmem = new ArrayList<>();
        for (DrmDevice device : state.devices.values()) {
            DrmDevice.MemoryRegion vram = device.regions.get("vram");
            if (device.reportsUse && vram != null) {
                long charged = 0;
                for (GemObject object : state.objects.values()) {
                    if (object.region == vram && inCgroup(object.dmemCgroup, cgroup)) {
                        charged += object.residentBytes;
                    }
                }
                dmem.add(new DmemRegion(device.minor, vram.name, charged, EventBody.NO_LIMIT));
            }
        }
        return new ResourceUsage(cgroup, current, state.memoryMax.getOrDefault(cgroup, EventBody.NO_LIMIT), dmem);
    }

    /** Whether {@code path} is {@code cgroup} or beneath it. */
    private static boolean inCgroup(String path, String cgroup) {
        return path.equals(cgroup) || path.startsWith(cgroup + "/");
    }

    private static String parentCgroup(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? EventBody.ROOT_CGROUP : path.substring(0, slash);
    }

    /**
     * fork(): a new process whose fd table and GEM mappings are copies of the parent group's. With the fork flaw
     * the child's {@code MM_DRIVERPAGES} starts as a copy of the parent's.
     */
    public int fork(int parentPid, String comm) {
        return fork(parentPid, comm, EventBody.PARENT_CGROUP);
    }

    /** fork() into {@code cgroup}, or, for {@link EventBody#PARENT_CGROUP}, the parent's cgroup (the root's for init's children). */
    private int fork(int parentPid, String comm, String cgroup) {
        TaskGroup parent = state.tasks.get(parentPid);
        require(parent != null || parentPid == INIT_PID, "fork from unknown pid %d", parentPid);
        int pid = nextPid++;
        String placed = !cgroup.equals(EventBody.PARENT_CGROUP) ? cgroup : parent != null ? parent.cgroup : EventBody.ROOT_CGROUP;
        TaskGroup child = new TaskGroup(pid, parentPid, comm, parent == null ? 0 : parent.oomScoreAdj, placed,
                parent == null ? service : parent.service);
        state.processes.put(pid, child);
        state.tasks.put(pid, child);
        sink.accept(new ProcessFork(pid, parentPid, comm, false, cgroup));
        if (parent != null) {
            parent.fds.forEach((fd, target) -> {
                child.fds.put(fd, target);
                target.fdOpened();
            });
            parent.mm.mappings.forEach((object, count) -> {
                child.mm.mappings.put(object, count);
                object.mappings += count;
            });
            if (forkFlaw) {
                child.mm.driverPages = parent.mm.driverPages;
                child.mm.inheritedDriverPages = parent.mm.driverPages;
            }
        }
        return pid;
    }

    /** clone(CLONE_VM | CLONE_FILES | CLONE_THREAD): a task in the group of {@code pid}, sharing its mm and fds. */
    public int spawnThread(int pid, String comm) {
        TaskGroup group = group(pid);
        int tid = nextPid++;
        group.threads.add(tid);
        state.tasks.put(tid, group);
        sink.accept(new ProcessFork(tid, pid, comm, true));
        return tid;
    }

    /** execve() by task {@code pid}: the group's mm is replaced (the old one dies with its mappings), its other threads go. */
    public void exec(int pid, String comm) {
        TaskGroup group = group(pid);
        sink.accept(new ProcessExec(pid, comm));
        endMm(group);
        group.mm = new Mm(group);
        group.threads.forEach(state.tasks::remove);
        group.threads.clear();
        group.comm = comm;
        settle();
    }

    /** A non-leader thread leaves its group; a leader takes the whole group with it (exit_group). */
    public void exit(int pid) {
        TaskGroup group = group(pid);
        sink.accept(new ProcessExit(pid));
        if (pid != group.pid) {
            group.threads.remove(pid);
            state.tasks.remove(pid);
            return;
        }
        // do_exit: exit_mm comes before exit_files, so the creator's mm is gone before its objects are freed.
        endMm(group);
        group.fds.values().forEach(this::dropFd);
        group.fds.clear();
        group.threads.forEach(state.tasks::remove);
        state.tasks.remove(pid);
        state.processes.remove(pid);
        settle();
    }

    public void setOomScoreAdj(int pid, int oomScoreAdj) {
        group(pid).oomScoreAdj = oomScoreAdj;
        sink.accept(new OomScoreAdj(pid, oomScoreAdj));
    }

    /**
     * Reports the mm counters of the group of {@code pid}: the given file, anon, shmem, swap and page-table bytes
     * (which move only when sampled) and {@code MM_DRIVERPAGES} as the kernel holds it now.
     */
    public MmCounters sampleCounters(int pid, long fileBytes, long anonBytes, long shmemBytes, long swapBytes, long pageTableBytes) {
        Mm mm = group(pid).mm;
        MmCounters sample = new MmCounters(pid, fileBytes, anonBytes, shmemBytes, swapBytes, pageTableBytes, mm.driverPages);
        mm.sample = sample;
        sink.accept(sample);
        return sample;
    }

    /** The counters of the group of {@code pid} as last sampled (zeros before its current mm's first sample). */
    public MmCounters counters(int pid) {
        return group(pid).mm.sample;
    }

    public boolean alive(int pid) {
        return state.tasks.containsKey(pid);
    }

    // ---- services and the OOM killer ---------------------------------------------------------------------------

    /** Processes started from init from now on run in {@code service}; their forks stay in it. */
    public void enterService(int service) {
        this.service = service;
    }

    /** Every process of {@code service} exits, in pid order: the service is stopped. */
    public void stopService(int service) {
        List<Integer> members = state.processes.values().stream().filter(group -> group.service == service)
                .map(group -> group.pid).toList();
        members.forEach(this::exit);
    }

    /**
     * The page allocator's last resort, after the allocations of the last calls: when what processes and pinned
     * buffers commit exceeds RAM and swap, the OOM killer kills one process ({@link OomKiller}) and reports it
     * ({@code OomKill}, then the exit and its releases). Returns the service of the process it killed, if it
     * killed one; the caller calls again until it does not.
     */
    public OptionalInt killIfOutOfMemory() {
        return OomKiller.killIfOutOfMemory(state, driverPagesInBadness, this::oomKill);
    }

    /** The kills so far, each with what the kernel knew before it and what it really freed, oldest first; taken once. */
    public List<OomKillFacts> takeOomKills() {
        List<OomKillFacts> taken = List.copyOf(oomKills);
        oomKills.clear();
        return taken;
    }

    /** Sends the kill, then kills; measures what the kill really freed and which buffers the victim held stay alive. */
    private void oomKill(TaskGroup victim, long points, long freedBytes) {
        HostFacts before = facts();
        long residentBefore = residentBytes();
        MmCounters counters = victim.mm.sample;
        sink.accept(new OomKill(victim.pid, points, freedBytes / EventBody.PAGE_SIZE));
        Set<Long> held = before.objects().stream().filter(object -> object.holders().contains(victim.pid))
                .map(ObjectTruth::object).collect(Collectors.toSet());
        exit(victim.pid);
        long measured = counters.anonBytes() + counters.swapBytes() + counters.pageTableBytes() + residentBefore - residentBytes();
        require(measured == freedBytes, "the OOM kill of %s freed %d bytes, not the %d it reported", victim, measured, freedBytes);
        List<ObjectTruth> survivors = facts().objects().stream().filter(object -> held.contains(object.object())).toList();
        oomKills.add(new OomKillFacts(victim.pid, victim.comm, victim.cgroup, points, freedBytes / EventBody.PAGE_SIZE, before, measured,
                survivors));
    }

    private long residentBytes() {
        return state.objects.values().stream().mapToLong(object -> object.residentBytes).sum();
    }

    // ---- DRM files and fds ---------------------------------------------------------------------------------

    /** open() of DRM device {@code minor}: a new file description at the lowest free fd, which is returned. */
    public int open(int pid, int minor) {
        TaskGroup group = group(pid);
        DrmDevice device = state.devices.get(minor);
        require(device != null, "open of unknown DRM minor %d", minor);
        DrmFile file = new DrmFile(nextFile++, device);
        state.files.put(file.id, file);
        int fd = install(group, file);
        sink.accept(new DrmFileOpen(pid, fd, file.id, minor));
        return fd;
    }

    /** dup() of an fd of either kind; returns the new fd. */
    public int dup(int pid, int fd) {
        TaskGroup group = group(pid);
        FdTarget target = fdTarget(group, fd);
        int copy = install(group, target);
        sink.accept(installEvent(pid, copy, target, FdOrigin.DUP));
        return copy;
    }

    /** Passes fd {@code fd} of {@code fromPid} to {@code toPid} over a unix socket (SCM_RIGHTS); returns the receiver's fd. */
    public int send(int fromPid, int fd, int toPid) {
        FdTarget target = fdTarget(group(fromPid), fd);
        TaskGroup receiver = group(toPid);
        int received = install(receiver, target);
        sink.accept(installEvent(toPid, received, target, FdOrigin.UNIX_SOCKET));
        return received;
    }

    public void close(int pid, int fd) {
        TaskGroup group = group(pid);
        FdTarget target = fdTarget(group, fd);
        group.fds.remove(fd);
        sink.accept(new FdClose(pid, fd));
        dropFd(target);
        settle();
    }

    // ---- GEM objects ------------------------------------------------------------------------------------

    /** A buffer a process got: the object and its handle in the file it was created or imported through. */
    public record Buffer(long object, int handle) {
    }

    /**
     * DRM_IOCTL_*_GEM_CREATE through the DRM file at {@code fd}: a new object of {@code sizeBytes} in
     * {@code region}, created by task {@code pid}. CMA memory is allocated (and charged) now, so a CMA object
     * that does not fit is refused: empty, and nothing happens.
     */
    public Optional<Buffer> create(int pid, int fd, String region, long sizeBytes) {
        TaskGroup group = group(pid);
        DrmFile file = drmFile(group, fd);
        DrmDevice.MemoryRegion backing = file.device.regions.get(region);
        require(backing != null, "DRM minor %d has no region %s", file.device.minor, region);
        require(sizeBytes > 0 && sizeBytes % EventBody.PAGE_SIZE == 0, "object size %d is not a positive number of pages", sizeBytes);
        if (backing.contiguous() && !backing.fits(sizeBytes)) {
            return Optional.empty();
        }
        GemObject object = new GemObject(nextObject++, file.device, backing, sizeBytes, group.mm, group.cgroup);
        state.objects.put(object.id, object);
        int handle = file.addHandle(object);
        sink.accept(new GemCreate(object.id, file.device.minor, region, sizeBytes, pid, file.id, handle));
        if (backing.contiguous()) {
            makeResident(object, sizeBytes);
            addResident(object);
        }
        return Optional.of(new Buffer(object.id, handle));
    }

    /** GEM_OPEN of a flink name: another handle to {@code object} in the DRM file at {@code fd}, which must be of its device. */
    public int openHandle(int pid, int fd, long object) {
        DrmFile file = drmFile(group(pid), fd);
        GemObject gem = object(object);
        require(gem.device == file.device, "%s is not of the device of DRM file %d", gem, file.id);
        int handle = file.addHandle(gem);
        sink.accept(new GemHandleCreate(file.id, handle, object));
        return handle;
    }

    /** GEM_CLOSE of {@code handle} in the DRM file at {@code fd}. */
    public void closeHandle(int pid, int fd, int handle) {
        DrmFile file = drmFile(group(pid), fd);
        GemObject object = file.handles.remove(handle);
        require(object != null, "DRM file %d has no handle %d", file.id, handle);
        object.handles--;
        sink.accept(new GemHandleDelete(file.id, handle));
        noteIfUnreferenced(object);
        settle();
    }

    /**
     * Makes {@code bytes} more of the object resident. A pin that does not fit its region's capacity is refused:
     * {@code false}, and nothing happens. The RFC charges the creator when the object first becomes resident.
     */
    public boolean pin(long object, long bytes) {
        GemObject gem = pinnable(object, bytes);
        require(gem.residentBytes + bytes <= gem.sizeBytes, "pin of %d bytes would make %s resident beyond its size", bytes, gem);
        if (!gem.region.fits(bytes)) {
            return false;
        }
        boolean becomesResident = gem.residentBytes == 0;
        makeResident(gem, bytes);
        sink.accept(new GemPin(object, bytes));
        if (becomesResident) {
            addResident(gem);
        }
        return true;
    }

    /** Makes {@code bytes} of the object non-resident; the RFC uncharges when nothing stays resident. */
    public void unpin(long object, long bytes) {
        GemObject gem = pinnable(object, bytes);
        require(bytes <= gem.residentBytes, "unpin of %d bytes, but %s has %d resident", bytes, gem, gem.residentBytes);
        makeResident(gem, -bytes);
        sink.accept(new GemUnpin(object, bytes));
        if (gem.residentBytes == 0) {
            decResident(gem);
        }
    }

    /** mmap() of the object into the mm of {@code pid}, which must hold it through an fd (a DRM file or a dma-buf). */
    public void mmap(int pid, long object) {
        TaskGroup group = group(pid);
        GemObject gem = object(object);
        require(holdsByFd(group, gem), "%s maps %s without an fd to it", group, gem);
        group.mm.mappings.merge(gem, 1, Integer::sum);
        gem.mappings++;
        sink.accept(new GemMmap(pid, object));
    }

    public void munmap(int pid, long object) {
        TaskGroup group = group(pid);
        GemObject gem = object(object);
        Integer count = group.mm.mappings.get(gem);
        require(count != null, "%s has no mapping of %s", group, gem);
        if (count == 1) {
            group.mm.mappings.remove(gem);
        } else {
            group.mm.mappings.put(gem, count - 1);
        }
        gem.mappings--;
        sink.accept(new GemMunmap(pid, object));
        noteIfUnreferenced(gem);
        settle();
    }

    public long residentBytes(long object) {
        return object(object).residentBytes;
    }

    public long sizeBytes(long object) {
        return object(object).sizeBytes;
    }

    public boolean exists(long object) {
        return state.objects.containsKey(object);
    }

    // ---- dma-bufs ---------------------------------------------------------------------------------------

    /**
     * PRIME_HANDLE_TO_FD: exports the object behind {@code handle} of the DRM file at {@code fd} as a dma-buf and
     * returns the new dma-buf fd. An object is exported once: while its dma-buf lives, this installs another fd to it.
     */
    public int export(int pid, int fd, int handle) {
        TaskGroup group = group(pid);
        DrmFile file = drmFile(group, fd);
        GemObject object = file.handles.get(handle);
        require(object != null, "DRM file %d has no handle %d", file.id, handle);
        if (object.dmaBuf != null) {
            int copy = install(group, object.dmaBuf);
            sink.accept(new DmaBufFdInstall(pid, copy, object.dmaBuf.inode, FdOrigin.DUP));
            return copy;
        }
        DmaBuf dmaBuf = new DmaBuf(nextInode++, object);
        state.dmaBufs.put(dmaBuf.inode, dmaBuf);
        object.dmaBuf = dmaBuf;
        int dmaBufFd = install(group, dmaBuf);
        sink.accept(new DmaBufExport(object.id, dmaBuf.inode, pid, dmaBufFd));
        return dmaBufFd;
    }

    /** PRIME_FD_TO_HANDLE: imports the dma-buf at {@code dmaBufFd} into the DRM file at {@code drmFd}; returns the handle. */
    public Buffer importDmaBuf(int pid, int dmaBufFd, int drmFd) {
        TaskGroup group = group(pid);
        if (!(fdTarget(group, dmaBufFd) instanceof DmaBuf dmaBuf)) {
            throw new InvariantViolation(String.format("fd %d of %s is not a dma-buf", dmaBufFd, group));
        }
        DrmFile file = drmFile(group, drmFd);
        int handle = file.addHandle(dmaBuf.object);
        sink.accept(new DmaBufImport(dmaBuf.inode, file.id, handle));
        return new Buffer(dmaBuf.object.id, handle);
    }

    // ---- what a reader of the host would see ------------------------------------------------------------

    /** The whole state as the {@code HostSnapshot} a host sends, with every process's counters as they are now. */
    public HostSnapshot snapshot() {
        return HostReports.snapshot(state);
    }

    /** The state as plain values, for {@link io.gemtrack.producer.truth.GroundTruth} to apply the policies to. */
    public HostFacts facts() {
        return HostReports.facts(state);
    }

    /**
     * Recomputes every count from the structures and compares; throws {@link InvariantViolation} at the first that
     * differs. Costs a pass over the host: the simulation runs it at every snapshot, tests after every call.
     */
    public void checkInvariants() {
        InvariantCheck.check(state);
    }

    // ---- the RFC's accounting ------------------------------------------------------------------------------

    /** {@code drm_gem_add_resident}: the full size, to the creator's mm if it still lives. */
    private void addResident(GemObject object) {
        if (object.creatorMm.alive) {
            object.creatorMm.driverPages += object.pages();
        }
    }

    /** {@code drm_gem_dec_resident}: the same amount off again, skipped likewise when the creator's mm is gone. */
    private void decResident(GemObject object) {
        if (object.creatorMm.alive) {
            object.creatorMm.driverPages -= object.pages();
            require(object.creatorMm.driverPages >= object.creatorMm.inheritedDriverPages,
                    "MM_DRIVERPAGES of %s went below what it was charged", object.creatorMm.owner);
        }
    }

    // ---- steps ------------------------------------------------------------------------------------------

    private void makeResident(GemObject object, long bytes) {
        object.residentBytes += bytes;
        object.region.residentBytes += bytes;
    }

    private int install(TaskGroup group, FdTarget target) {
        int fd = group.lowestFreeFd();
        group.fds.put(fd, target);
        target.fdOpened();
        return fd;
    }

    private static EventBody installEvent(int pid, int fd, FdTarget target, FdOrigin origin) {
        return target instanceof DrmFile file
                ? new FdInstall(pid, fd, file.id, origin)
                : new DmaBufFdInstall(pid, fd, ((DmaBuf) target).inode, origin);
    }

    private void dropFd(FdTarget target) {
        if (!target.fdClosed()) {
            return;
        }
        if (target instanceof DrmFile file) {
            unreferencedFiles.add(file);
        } else {
            unreferencedDmaBufs.add((DmaBuf) target);
        }
    }

    /** The mm dies: its mappings go with it, and from now on the objects it created are charged to no one. */
    private void endMm(TaskGroup group) {
        Mm mm = group.mm;
        mm.alive = false;
        mm.mappings.forEach((object, count) -> {
            object.mappings -= count;
            noteIfUnreferenced(object);
        });
        mm.mappings.clear();
    }

    private void noteIfUnreferenced(GemObject object) {
        if (!object.referenced()) {
            unreferencedObjects.add(object);
        }
    }

    /** Releases what the call left unreferenced, reporting each release: files, then dma-bufs, then objects. */
    private void settle() {
        for (DrmFile file : unreferencedFiles) {
            file.closed = true;
            state.files.remove(file.id);
            sink.accept(new DrmFileClose(file.id));
            file.handles.values().forEach(object -> {
                object.handles--;
                noteIfUnreferenced(object);
            });
            file.handles.clear();
        }
        unreferencedFiles.clear();
        for (DmaBuf dmaBuf : unreferencedDmaBufs) {
            state.dmaBufs.remove(dmaBuf.inode);
            dmaBuf.object.dmaBuf = null;
            sink.accept(new DmaBufRelease(dmaBuf.inode));
            noteIfUnreferenced(dmaBuf.object);
        }
        unreferencedDmaBufs.clear();
        for (GemObject object : unreferencedObjects) {
            require(!object.referenced(), "%s was about to be freed while referenced", object);
            if (object.residentBytes > 0) {
                decResident(object);
                makeResident(object, -object.residentBytes);
            }
            state.objects.remove(object.id);
            sink.accept(new GemFree(object.id));
        }
        unreferencedObjects.clear();
    }

    // ---- lookups, which throw on a call the state does not allow --------------------------------------------

    private TaskGroup group(int pid) {
        TaskGroup group = state.tasks.get(pid);
        require(group != null, "no task %d", pid);
        return group;
    }

    private static FdTarget fdTarget(TaskGroup group, int fd) {
        FdTarget target = group.fds.get(fd);
        require(target != null, "%s has no fd %d", group, fd);
        return target;
    }

    private static DrmFile drmFile(TaskGroup group, int fd) {
        if (!(fdTarget(group, fd) instanceof DrmFile file)) {
            throw new InvariantViolation(String.format("fd %d of %s is not a DRM file", fd, group));
        }
        require(!file.closed, "fd %d of %s refers to closed DRM file %d", fd, group, file.id);
        return file;
    }

    private GemObject object(long id) {
        GemObject object = state.objects.get(id);
        require(object != null, "no object %d", id);
        return object;
    }

    private GemObject pinnable(long id, long bytes) {
        GemObject object = object(id);
        require(!object.region.contiguous(), "%s is CMA memory, resident from creation; it is never pinned or unpinned", object);
        require(bytes > 0 && bytes % EventBody.PAGE_SIZE == 0, "%d bytes is not a positive number of pages", bytes);
        return object;
    }

    private static boolean holdsByFd(TaskGroup group, GemObject object) {
        for (FdTarget target : group.fds.values()) {
            if (target instanceof DrmFile file ? file.handles.containsValue(object) : ((DmaBuf) target).object == object) {
                return true;
            }
        }
        return false;
    }
}
