package io.gemtrack.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.stream.Stream;

/**
 * The facts a kernel could report about processes, DRM files and GEM buffers. Each type is an immutable
 * record whose compact constructor enforces the schema, so an instance is always valid.
 *
 * <p>Identifiers: {@code pid} is a task id (a thread-group leader unless a fork says {@code thread});
 * {@code file} names an open DRM file description; {@code object} a GEM object; {@code inode} a dma-buf.
 * Sizes are bytes, always whole pages of {@link #PAGE_SIZE}, except {@code driverPages}, which is the
 * RFC's {@code MM_DRIVERPAGES} counter in pages as the kernel reports it.
 *
 * <p>Every number and string has a bound (see {@link Bounds}) that no kernel reaches, so a consumer's arithmetic
 * on one value cannot overflow and no name is too long for a metric label; a record beyond one is malformed.
 */
public sealed interface EventBody {

    long PAGE_SIZE = 4096;

    /** A limit ({@code memory.max}, {@code dmem.max}) whose cgroup file says {@code max}: none. */
    long NO_LIMIT = -1;

    /** The root of the cgroup v2 hierarchy. */
    String ROOT_CGROUP = "/";

    /** A fork's {@code cgroup} when the child starts where fork puts it: in its parent's cgroup. */
    String PARENT_CGROUP = "";

    /**
     * A new task. {@code thread}: it shares its parent's mm and fd table (CLONE_VM|CLONE_FILES); else it gets copies.
     * {@code cgroup}: the cgroup v2 path a new process starts in (clone3's CLONE_INTO_CGROUP, or where a collector first
     * saw it); {@link #PARENT_CGROUP}, or absent, for its parent's, as a plain fork does. A thread is always in its group's.
     */
    record ProcessFork(int pid, int parentPid, String comm, boolean thread,
                       @AddedField(AddedFields.FORK_CGROUP)
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) String cgroup) implements EventBody {
        public ProcessFork {
            Check.pid("pid", pid);
            Check.parentPid("parentPid", parentPid);
            Check.text("comm", comm, Bounds.MAX_COMM_BYTES);
            if (cgroup == null) {
                throw new InvalidEventException("cgroup", "is required");
            }
            if (!cgroup.equals(PARENT_CGROUP)) {
                if (thread) {
                    throw new InvalidEventException("cgroup", "must be empty for a thread, which is in its group's cgroup");
                }
                Check.cgroupPath("cgroup", cgroup);
            }
        }

        /** A task that starts in its parent's cgroup. */
        public ProcessFork(int pid, int parentPid, String comm, boolean thread) {
            this(pid, parentPid, comm, thread, PARENT_CGROUP);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The task replaced its program: it gets a fresh mm, the old one dies if this was its last user. */
    record ProcessExec(int pid, String comm) implements EventBody {
        public ProcessExec {
            Check.pid("pid", pid);
            Check.text("comm", comm, Bounds.MAX_COMM_BYTES);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The task exited: its fds close and its mm dies if this was its last user. */
    record ProcessExit(int pid) implements EventBody {
        public ProcessExit {
            Check.pid("pid", pid);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    record OomScoreAdj(int pid, int oomScoreAdj) implements EventBody {
        public OomScoreAdj {
            Check.pid("pid", pid);
            Check.inRange("oomScoreAdj", oomScoreAdj, -1000, 1000);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /**
     * The host's memory size, which scales {@code oom_score_adj} in the OOM badness; sent at boot and when it
     * changes. {@code gpuActiveBytes} and {@code gpuReclaimBytes}: the system memory GPU drivers hold in use and in
     * their reclaimable pools, as {@code /proc/meminfo}'s GPUActive and GPUReclaim give them; 0 where the kernel
     * does not.
     */
    record HostMemory(long memTotalBytes, long swapTotalBytes, long gpuActiveBytes, long gpuReclaimBytes) implements EventBody {
        public HostMemory {
            Check.positiveBytes("memTotalBytes", memTotalBytes);
            Check.bytes("swapTotalBytes", swapTotalBytes);
            Check.bytes("gpuActiveBytes", gpuActiveBytes);
            Check.bytes("gpuReclaimBytes", gpuReclaimBytes);
        }

        /** A host whose kernel reports no memory of GPU drivers. */
        public HostMemory(long memTotalBytes, long swapTotalBytes) {
            this(memTotalBytes, swapTotalBytes, 0, 0);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** A sample of a process's mm counters as {@code /proc/PID/status} shows them. */
    record MmCounters(int pid, long fileBytes, long anonBytes, long shmemBytes, long swapBytes,
                      long pageTableBytes, long driverPages) implements EventBody {
        public MmCounters {
            Check.pid("pid", pid);
            Check.bytes("fileBytes", fileBytes);
            Check.bytes("anonBytes", anonBytes);
            Check.bytes("shmemBytes", shmemBytes);
            Check.bytes("swapBytes", swapBytes);
            Check.bytes("pageTableBytes", pageTableBytes);
            // The counter is reported as the kernel holds it: the fork flaw can drive it negative.
            Check.withinMagnitude("driverPages", driverPages, Bounds.MAX_PAGES);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    record Region(String name, long capacityBytes) {
        public Region {
            Check.text("regions.name", name, Bounds.MAX_NAME_BYTES);
            Check.positiveBytes("regions.capacityBytes", capacityBytes);
        }
    }

    record DrmDeviceAdded(int minor, String driver, List<Region> regions) implements EventBody {
        public DrmDeviceAdded {
            Check.nonNegative("minor", minor);
            Check.text("driver", driver, Bounds.MAX_NAME_BYTES);
            regions = Check.list("regions", regions);
            if (regions.isEmpty()) {
                throw new InvalidEventException("regions", "must not be empty");
            }
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** A process opened a DRM device node: a new file description installed at {@code fd}. */
    record DrmFileOpen(int pid, int fd, long file, int minor) implements EventBody {
        public DrmFileOpen {
            Check.pid("pid", pid);
            Check.nonNegative("fd", fd);
            Check.id("file", file);
            Check.nonNegative("minor", minor);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The last reference to a DRM file went; its handles are gone with it. */
    record DrmFileClose(long file) implements EventBody {
        public DrmFileClose {
            Check.id("file", file);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    enum FdOrigin { DUP, UNIX_SOCKET }

    /** An existing DRM file gained an fd in {@code pid} other than by fork (which copies the whole table). */
    record FdInstall(int pid, int fd, long file, FdOrigin origin) implements EventBody {
        public FdInstall {
            Check.pid("pid", pid);
            Check.nonNegative("fd", fd);
            Check.id("file", file);
            Check.present("origin", origin);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** An fd of any kind (DRM file or dma-buf) was closed. */
    record FdClose(int pid, int fd) implements EventBody {
        public FdClose {
            Check.pid("pid", pid);
            Check.nonNegative("fd", fd);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** A GEM object was created through {@code file}, which holds it as {@code handle}. */
    record GemCreate(long object, int minor, String region, long sizeBytes, int creatorPid, long file, int handle)
            implements EventBody {
        public GemCreate {
            Check.id("object", object);
            Check.nonNegative("minor", minor);
            Check.text("region", region, Bounds.MAX_NAME_BYTES);
            Check.positiveBytes("sizeBytes", sizeBytes);
            Check.pid("creatorPid", creatorPid);
            Check.id("file", file);
            Check.positive("handle", handle);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** Another handle to an existing object (GEM_OPEN of a flink name). */
    record GemHandleCreate(long file, int handle, long object) implements EventBody {
        public GemHandleCreate {
            Check.id("file", file);
            Check.positive("handle", handle);
            Check.id("object", object);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    record GemHandleDelete(long file, int handle) implements EventBody {
        public GemHandleDelete {
            Check.id("file", file);
            Check.positive("handle", handle);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** More pages of the object became resident; sparse objects pin part of their size. */
    record GemPin(long object, long bytes) implements EventBody {
        public GemPin {
            Check.id("object", object);
            Check.positiveBytes("bytes", bytes);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    record GemUnpin(long object, long bytes) implements EventBody {
        public GemUnpin {
            Check.id("object", object);
            Check.positiveBytes("bytes", bytes);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The object was mapped into the mm of {@code pid}; a mapping keeps the object alive. */
    record GemMmap(int pid, long object) implements EventBody {
        public GemMmap {
            Check.pid("pid", pid);
            Check.id("object", object);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    record GemMunmap(int pid, long object) implements EventBody {
        public GemMunmap {
            Check.pid("pid", pid);
            Check.id("object", object);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The last reference to the object went and its memory was released. */
    /**
     * What the driver reports of an object's memory besides its residency, each figure replacing the last:
     * {@code purgeableBytes} backed but marked discardable (madvise) and not busy, {@code activeBytes} busy on an engine,
     * {@code evictedBytes} resident outside the placement the buffer prefers (amdgpu's evicted VRAM).
     */
    record GemStatus(long object, long purgeableBytes, long activeBytes, long evictedBytes) implements EventBody {
        public GemStatus {
            Check.id("object", object);
            Check.bytes("purgeableBytes", purgeableBytes);
            Check.bytes("activeBytes", activeBytes);
            Check.bytes("evictedBytes", evictedBytes);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /**
     * The memory a device's driver counts as used in a region, its own figure rather than its clients' (amdgpu's
     * {@code mem_info_vram_used}, the dmem controller's use of the root cgroup); each replaces the last.
     */
    record DeviceMemory(int minor, String region, long usedBytes) implements EventBody {
        public DeviceMemory {
            Check.nonNegative("minor", minor);
            Check.text("region", region, Bounds.MAX_NAME_BYTES);
            Check.bytes("usedBytes", usedBytes);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    record GemFree(long object) implements EventBody {
        public GemFree {
            Check.id("object", object);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The object was exported as dma-buf {@code inode}, installed at {@code fd} of the exporting process. */
    record DmaBufExport(long object, long inode, int pid, int fd) implements EventBody {
        public DmaBufExport {
            Check.id("object", object);
            Check.id("inode", inode);
            Check.pid("pid", pid);
            Check.nonNegative("fd", fd);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** An existing dma-buf gained an fd in {@code pid} (dup or passed over a unix socket). */
    record DmaBufFdInstall(int pid, int fd, long inode, FdOrigin origin) implements EventBody {
        public DmaBufFdInstall {
            Check.pid("pid", pid);
            Check.nonNegative("fd", fd);
            Check.id("inode", inode);
            Check.present("origin", origin);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** A dma-buf was imported into a DRM file (possibly of another device), which holds it as {@code handle}. */
    record DmaBufImport(long inode, long file, int handle) implements EventBody {
        public DmaBufImport {
            Check.id("inode", inode);
            Check.id("file", file);
            Check.positive("handle", handle);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The last fd and import of the dma-buf went. */
    record DmaBufRelease(long inode) implements EventBody {
        public DmaBufRelease {
            Check.id("inode", inode);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The kernel's OOM killer killed {@code pid}. */
    record OomKill(int pid, long badnessPoints, long freedPages) implements EventBody {
        public OomKill {
            Check.pid("pid", pid);
            Check.withinMagnitude("badnessPoints", badnessPoints, Bounds.MAX_OOM_PAGES);
            Check.nonNegative("freedPages", freedPages);
            Check.atMost("freedPages", freedPages, Bounds.MAX_OOM_PAGES);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** The full state of a host, so a consumer that lost events can start over from here. */
    record HostSnapshot(HostMemory memory, List<DrmDeviceAdded> devices, List<SnapshotProcess> processes, List<SnapshotFile> files,
                        List<SnapshotObject> objects, List<SnapshotDmaBuf> dmaBufs, List<DeviceMemory> deviceMemory,
                        @AddedField(AddedFields.SNAPSHOT_CGROUPS)
                        List<ResourceUsage> cgroups)
            implements EventBody {
        public HostSnapshot {
            if (memory == null) {
                throw new InvalidEventException("memory", "is required");
            }
            devices = Check.list("devices", devices);
            processes = Check.list("processes", processes);
            files = Check.list("files", files);
            objects = Check.list("objects", objects);
            dmaBufs = Check.list("dmaBufs", dmaBufs);
            deviceMemory = Check.list("deviceMemory", deviceMemory);
            cgroups = Check.list("cgroups", cgroups);
        }

        /** A snapshot of a host whose cgroups were not sampled. */
        public HostSnapshot(HostMemory memory, List<DrmDeviceAdded> devices, List<SnapshotProcess> processes,
                            List<SnapshotFile> files, List<SnapshotObject> objects, List<SnapshotDmaBuf> dmaBufs,
                            List<DeviceMemory> deviceMemory) {
            this(memory, devices, processes, files, objects, dmaBufs, deviceMemory, List.of());
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** A thread group: its leader, its other threads, its mm counters, fd table, GEM mappings and cgroup. */
    record SnapshotProcess(int pid, int parentPid, String comm, List<Integer> threads, int oomScoreAdj,
                           MmCounters counters, List<SnapshotFd> fds, List<SnapshotMapping> mappings,
                           @AddedField(AddedFields.SNAPSHOT_PROCESS_CGROUP)
                           String cgroup) {
        public SnapshotProcess {
            Check.pid("processes.pid", pid);
            Check.parentPid("processes.parentPid", parentPid);
            Check.text("processes.comm", comm, Bounds.MAX_COMM_BYTES);
            threads = Check.list("processes.threads", threads);
            Check.pids("processes.threads", threads);
            Check.inRange("processes.oomScoreAdj", oomScoreAdj, -1000, 1000);
            if (counters == null) {
                throw new InvalidEventException("processes.counters", "is required");
            }
            fds = Check.list("processes.fds", fds);
            mappings = Check.list("processes.mappings", mappings);
            Check.cgroupPath("processes.cgroup", cgroup);
        }

        /** A process in the root cgroup. */
        public SnapshotProcess(int pid, int parentPid, String comm, List<Integer> threads, int oomScoreAdj,
                               MmCounters counters, List<SnapshotFd> fds, List<SnapshotMapping> mappings) {
            this(pid, parentPid, comm, threads, oomScoreAdj, counters, fds, mappings, ROOT_CGROUP);
        }
    }

    /** An fd and what it refers to: exactly one of a DRM {@code file} or a dma-buf {@code inode} is non-zero. */
    record SnapshotFd(int fd, long file, long inode) {
        public SnapshotFd {
            Check.nonNegative("fds.fd", fd);
            Check.idOrZero("fds.file", file);
            Check.idOrZero("fds.inode", inode);
            if ((file == 0) == (inode == 0)) {
                throw new InvalidEventException("fds", "exactly one of file and inode must be set");
            }
        }
    }

    record SnapshotMapping(long object, int count) {
        public SnapshotMapping {
            Check.id("mappings.object", object);
            Check.positive("mappings.count", count);
            Check.atMost("mappings.count", count, Bounds.MAX_MAPPINGS);
        }
    }

    record SnapshotHandle(int handle, long object) {
        public SnapshotHandle {
            Check.positive("handles.handle", handle);
            Check.id("handles.object", object);
        }
    }

    record SnapshotFile(long file, int minor, List<SnapshotHandle> handles) {
        public SnapshotFile {
            Check.id("files.file", file);
            Check.nonNegative("files.minor", minor);
            handles = Check.list("files.handles", handles);
        }
    }

    /** {@code creatorMmAlive}: whether the mm that created the object still lives, so the RFC still charges it. */
    record SnapshotObject(long object, int minor, String region, long sizeBytes, int creatorPid,
                          boolean creatorMmAlive, long residentBytes, long purgeableBytes, long activeBytes, long evictedBytes) {
        public SnapshotObject {
            Check.id("objects.object", object);
            Check.nonNegative("objects.minor", minor);
            Check.text("objects.region", region, Bounds.MAX_NAME_BYTES);
            Check.positiveBytes("objects.sizeBytes", sizeBytes);
            Check.pid("objects.creatorPid", creatorPid);
            Check.bytes("objects.residentBytes", residentBytes);
            if (residentBytes > sizeBytes) {
                throw new InvalidEventException("objects.residentBytes", "must not exceed sizeBytes");
            }
            status("objects.purgeableBytes", purgeableBytes, sizeBytes);
            status("objects.activeBytes", activeBytes, sizeBytes);
            status("objects.evictedBytes", evictedBytes, sizeBytes);
        }

        /** An object whose driver reports nothing besides its residency. */
        public SnapshotObject(long object, int minor, String region, long sizeBytes, int creatorPid, boolean creatorMmAlive,
                              long residentBytes) {
            this(object, minor, region, sizeBytes, creatorPid, creatorMmAlive, residentBytes, 0, 0, 0);
        }

        private static void status(String field, long bytes, long sizeBytes) {
            Check.bytes(field, bytes);
            if (bytes > sizeBytes) {
                throw new InvalidEventException(field, "must not exceed sizeBytes");
            }
        }
    }

    /** A live dma-buf; its holders are the fds and import handles that refer to it. */
    record SnapshotDmaBuf(long inode, long object) {
        public SnapshotDmaBuf {
            Check.id("dmaBufs.inode", inode);
            Check.id("dmaBufs.object", object);
        }
    }

    /**
     * The thread group of {@code pid} moved to cgroup {@code cgroup}, a cgroup v2 path (a write of the pid to that
     * cgroup's {@code cgroup.procs}, as systemd and container runtimes place processes): all its threads with it.
     */
    record ProcessMigrate(int pid, String cgroup) implements EventBody {
        public ProcessMigrate {
            Check.pid("pid", pid);
            Check.cgroupPath("cgroup", cgroup);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /**
     * One device region's line of a cgroup's {@code dmem.current} and {@code dmem.max} (the dmem controller's
     * {@code drm/DEVICE/REGION}), named by the region's DRM minor and name as elsewhere; {@code maxBytes} is
     * {@link #NO_LIMIT} for {@code max}.
     */
    record DmemRegion(int minor, String region, long currentBytes, long maxBytes) {
        public DmemRegion {
            Check.nonNegative("dmem.minor", minor);
            Check.text("dmem.region", region, Bounds.MAX_NAME_BYTES);
            Check.bytes("dmem.currentBytes", currentBytes);
            Check.limit("dmem.maxBytes", maxBytes);
        }
    }

    /**
     * A sample of cgroup {@code cgroup}'s memory files, each replacing the last: {@code memory.current} and
     * {@code memory.max} ({@link #NO_LIMIT} for {@code max}) of the memory controller, which does not see GPU memory,
     * and the dmem controller's lines where it charges device memory to the cgroup (empty where it has none). The
     * figures are the kernel's own, hierarchical as cgroupfs shows them: a cgroup's include its descendants'.
     */
    record ResourceUsage(String cgroup, long memoryCurrentBytes, long memoryMaxBytes, List<DmemRegion> dmem)
            implements EventBody {
        public ResourceUsage {
            Check.cgroupPath("cgroup", cgroup);
            Check.bytes("memoryCurrentBytes", memoryCurrentBytes);
            Check.limit("memoryMaxBytes", memoryMaxBytes);
            dmem = Check.list("dmem", dmem);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** Cgroup {@code cgroup} was removed (rmdir, as systemd does when a unit stops): its samples go with it. */
    record ResourceGroupRemove(String cgroup) implements EventBody {
        public ResourceGroupRemove {
            Check.cgroupPath("cgroup", cgroup);
        }

        @Override
        public void accept(Visitor visitor) {
            visitor.visit(this);
        }
    }

    /** Calls the method of {@code visitor} for this body's type. */
    void accept(Visitor visitor);

    /**
     * Something done to each type of event body, a method per type, called through {@link #accept}. A type
     * added to the schema cannot compile without its method here, nor a visitor without that method: a consumer
     * that implements this handles every type, which the compiler checks rather than a lookup at run time.
     */
    interface Visitor {

        void visit(ProcessFork processFork);

        void visit(ProcessExec processExec);

        void visit(ProcessExit processExit);

        void visit(OomScoreAdj oomScoreAdj);

        void visit(HostMemory hostMemory);

        void visit(MmCounters mmCounters);

        void visit(DrmDeviceAdded drmDeviceAdded);

        void visit(DrmFileOpen drmFileOpen);

        void visit(DrmFileClose drmFileClose);

        void visit(FdInstall fdInstall);

        void visit(FdClose fdClose);

        void visit(GemCreate gemCreate);

        void visit(GemHandleCreate gemHandleCreate);

        void visit(GemHandleDelete gemHandleDelete);

        void visit(GemPin gemPin);

        void visit(GemUnpin gemUnpin);

        void visit(GemMmap gemMmap);

        void visit(GemMunmap gemMunmap);

        void visit(GemFree gemFree);

        void visit(DmaBufExport dmaBufExport);

        void visit(DmaBufFdInstall dmaBufFdInstall);

        void visit(DmaBufImport dmaBufImport);

        void visit(DmaBufRelease dmaBufRelease);

        void visit(GemStatus gemStatus);

        void visit(DeviceMemory deviceMemory);

        void visit(OomKill oomKill);

        void visit(HostSnapshot hostSnapshot);

        void visit(ProcessMigrate processMigrate);

        void visit(ResourceUsage resourceUsage);

        void visit(ResourceGroupRemove resourceGroupRemove);
    }

    /** Every event type, in a fixed order; the {@code type} field of an event is its simple name. */
    List<Class<? extends EventBody>> TYPES = Stream.of(EventBody.class.getPermittedSubclasses())
            .<Class<? extends EventBody>>map(c -> c.asSubclass(EventBody.class))
            .toList();

    static String typeName(Class<? extends EventBody> type) {
        return type.getSimpleName();
    }
}
