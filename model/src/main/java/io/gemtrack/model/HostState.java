package io.gemtrack.model;

import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.events.EventBody;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import it.unimi.dsi.fastutil.ints.Int2ObjectMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntMap;
import it.unimi.dsi.fastutil.objects.Object2IntMaps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The state of one host boot and the fold of SEMANTICS.md §1–§5, §7 over it.
 *
 * <p>Every handler first checks everything that could make the event invalid, throwing {@link RuleViolation}
 * before touching anything, and only then mutates, with steps that cannot fail. That is what makes a rejected
 * event leave the state exactly as it was without copying it.
 *
 * <p>Accounting is incremental: whatever changes something a policy looks at (resident bytes, the holder
 * set, the creator's mm) retracts the object's contribution from the {@link Ledger} first and adds it back
 * after; changes that leave those alone (another reference of an existing holder) skip the ledger.
 *
 * <p>The maps that grow with objects, files and tasks are open-addressing tables with primitive keys (the
 * objects' own {@link ObjectTable}, fastutil's maps for the rest): no boxed key and no node per entry. They
 * have no order, so {@link #snapshot} sorts by id, and nothing the fold computes depends on the order it
 * visits them in (every contribution is a sum).
 */
final class HostState {

    private static final Map<Class<? extends EventBody>, BiConsumer<HostState, EventBody>> HANDLERS = new HashMap<>();

    static {
        on(ProcessFork.class, HostState::fork);
        on(ProcessExec.class, HostState::exec);
        on(ProcessExit.class, HostState::exit);
        on(OomScoreAdj.class, HostState::oomScoreAdj);
        on(HostMemory.class, HostState::hostMemory);
        on(MmCounters.class, HostState::mmCounters);
        on(DrmDeviceAdded.class, HostState::addDevice);
        on(DrmFileOpen.class, HostState::openFile);
        on(DrmFileClose.class, HostState::closeFile);
        on(FdInstall.class, HostState::installFileFd);
        on(FdClose.class, HostState::closeFd);
        on(GemCreate.class, HostState::create);
        on(GemHandleCreate.class, HostState::createHandle);
        on(GemHandleDelete.class, HostState::deleteHandle);
        on(GemPin.class, HostState::pin);
        on(GemUnpin.class, HostState::unpin);
        on(GemMmap.class, HostState::mmap);
        on(GemMunmap.class, HostState::munmap);
        on(GemFree.class, HostState::free);
        on(DmaBufExport.class, HostState::export);
        on(DmaBufFdInstall.class, HostState::installDmaBufFd);
        on(DmaBufImport.class, HostState::importDmaBuf);
        on(DmaBufRelease.class, HostState::release);
        on(OomKill.class, HostState::oomKill);
    }

    private static <T extends EventBody> void on(Class<T> type, BiConsumer<HostState, T> handler) {
        HANDLERS.put(type, (state, body) -> handler.accept(state, type.cast(body)));
    }

    final Ledger ledger = new Ledger();
    /** The latest HostMemory, {@code null} while the host never sent one. */
    HostMemory memory;
    final Map<Integer, DrmDeviceAdded> devices = new TreeMap<>();
    /** Every task, leaders and threads, to its thread group. */
    final Int2ObjectMap<Process> tasks = new Int2ObjectOpenHashMap<>();
    /** Thread groups by leader pid. */
    final Map<Integer, Process> processes = new TreeMap<>();
    final Long2ObjectMap<DrmFile> files = new Long2ObjectOpenHashMap<>();
    final ObjectTable objects = new ObjectTable();
    final Long2ObjectMap<DmaBuf> dmaBufs = new Long2ObjectOpenHashMap<>();
    private final Runnable counterMismatch;

    /** @param counterMismatch told of every counters sample that disagrees with the {@code rfc} charge */
    HostState(Runnable counterMismatch) {
        this.counterMismatch = counterMismatch;
    }

    /** Applies one event, or throws {@link RuleViolation} and changes nothing. */
    void apply(EventBody body) {
        BiConsumer<HostState, EventBody> handler = HANDLERS.get(body.getClass());
        // A type added to the schema before the model learns it is bad input, not a reason to stop consuming.
        if (handler == null) {
            throw violation("the model has no rule for %s events", EventBody.typeName(body.getClass()));
        }
        handler.accept(this, body);
    }

    // ---- processes -------------------------------------------------------------------------------------

    private void fork(ProcessFork fork) {
        requireNewTask(fork.pid());
        if (fork.thread()) {
            Process group = process(fork.parentPid());
            group.threads.add(fork.pid());
            tasks.put(fork.pid(), group);
            return;
        }
        Process parent = tasks.get(fork.parentPid());
        Process child = addProcess(fork.pid(), fork.parentPid(), fork.comm(), parent == null ? 0 : parent.oomScoreAdj);
        if (parent != null) {
            parent.fds.forEach((fd, target) -> installFd(child, fd, target));
            forEachMapping(parent.mm, (object, count) -> map(child, object, count));
        }
    }

    /**
     * De_thread: every task but the leader goes, even when a thread exec'ed (the kernel gives it the leader's
     * pid). The fd table stays; the old mm dies with its mappings.
     */
    private void exec(ProcessExec exec) {
        Process process = process(exec.pid());
        endMm(process);
        process.mm = Mm.alive(process);
        process.counters = Process.zeroCounters(process.pid());
        removeThreads(process);
        process.threads.clear();
        process.comm = exec.comm();
    }

    private void exit(ProcessExit exit) {
        Process process = process(exit.pid());
        if (exit.pid() != process.pid()) {
            process.threads.remove(exit.pid());
            tasks.remove(exit.pid());
            return;
        }
        for (Integer fd : List.copyOf(process.fds.keySet())) {
            uninstallFd(process, fd);
        }
        endMm(process);
        removeThreads(process);
        tasks.remove(process.pid());
        processes.remove(process.pid());
    }

    private void oomScoreAdj(OomScoreAdj adj) {
        process(adj.pid()).oomScoreAdj = adj.oomScoreAdj();
    }

    private void hostMemory(HostMemory hostMemory) {
        memory = hostMemory;
    }

    /** The counter cross-check of SEMANTICS.md §7. */
    private void mmCounters(MmCounters sample) {
        Process process = process(sample.pid());
        process.counters = sample;
        process.counterMismatch = sample.driverPages() * EventBody.PAGE_SIZE != process.charges.get(Policy.rfc);
        if (process.counterMismatch) {
            counterMismatch.run();
        }
    }

    /** A record of the kernel's choice; the exit and releases it causes come as their own events. */
    private void oomKill(OomKill kill) {
        process(kill.pid());
    }

    // ---- devices, files and fds --------------------------------------------------------------------------

    private void addDevice(DrmDeviceAdded device) {
        if (devices.containsKey(device.minor())) {
            throw violation("DRM device minor %d already exists", device.minor());
        }
        devices.put(device.minor(), device);
        for (Region region : device.regions()) {
            ledger.region(device.minor(), region.name());
        }
    }

    private void openFile(DrmFileOpen open) {
        Process process = process(open.pid());
        requireFreeFd(process, open.fd());
        requireNewFile(open.file());
        DrmFile file = new DrmFile(open.file(), open.minor());
        files.put(file.id, file);
        installFd(process, open.fd(), file);
    }

    /** Its handles go with it; they cannot change any holder, since no fd refers to the file. */
    private void closeFile(DrmFileClose close) {
        DrmFile file = file(close.file());
        if (!file.unreferenced()) {
            throw violation("DrmFileClose of file %d, which is still open at an fd", file.id);
        }
        file.handles.values().forEach(object -> object.handles--);
        files.remove(file.id);
    }

    private void installFileFd(FdInstall install) {
        Process process = process(install.pid());
        requireFreeFd(process, install.fd());
        installFd(process, install.fd(), file(install.file()));
    }

    private void closeFd(FdClose close) {
        Process process = process(close.pid());
        if (!process.fds.containsKey(close.fd())) {
            throw violation("%s has no fd %d", process, close.fd());
        }
        uninstallFd(process, close.fd());
    }

    // ---- GEM objects ------------------------------------------------------------------------------------

    private void create(GemCreate create) {
        requireNewObject(create.object());
        Process creator = process(create.creatorPid());
        DrmFile file = file(create.file());
        requireFreeHandle(file, create.handle());
        long resident = GemObject.isCma(create.region()) ? create.sizeBytes() : 0;
        addObject(new GemObject(create.object(), ledger.region(create.minor(), create.region()), create.sizeBytes(),
                creator.mm, resident));
        addHandle(file, create.handle(), objects.get(create.object()));
    }

    private void createHandle(GemHandleCreate create) {
        DrmFile file = file(create.file());
        requireFreeHandle(file, create.handle());
        addHandle(file, create.handle(), object(create.object()));
    }

    private void deleteHandle(GemHandleDelete delete) {
        DrmFile file = file(delete.file());
        GemObject object = file.handles.get(delete.handle());
        if (object == null) {
            throw violation("file %d has no handle %d", file.id, delete.handle());
        }
        file.handles.remove(delete.handle());
        object.handles--;
        file.fdOwners.forEach((owner, fds) -> releaseReferences(object, owner, fds));
    }

    private void pin(GemPin pin) {
        GemObject object = pinnable(pin.object());
        if (object.residentBytes + pin.bytes() > object.sizeBytes()) {
            throw violation("GemPin of %d bytes would make %s resident beyond its %d bytes",
                    pin.bytes(), object, object.sizeBytes());
        }
        changeResident(object, pin.bytes());
    }

    private void unpin(GemUnpin unpin) {
        GemObject object = pinnable(unpin.object());
        if (object.residentBytes < unpin.bytes()) {
            throw violation("GemUnpin of %d bytes, but %s has only %d resident", unpin.bytes(), object, object.residentBytes);
        }
        changeResident(object, -unpin.bytes());
    }

    private GemObject pinnable(long id) {
        GemObject object = object(id);
        if (object.isCma()) {
            throw violation("%s is CMA memory, resident in full from creation; it cannot be pinned or unpinned", object);
        }
        return object;
    }

    private void changeResident(GemObject object, long delta) {
        ledger.retract(object);
        object.residentBytes += delta;
        ledger.add(object);
    }

    private void mmap(GemMmap mmap) {
        Process process = process(mmap.pid());
        map(process, object(mmap.object()), 1);
    }

    private void munmap(GemMunmap munmap) {
        Process process = process(munmap.pid());
        GemObject object = object(munmap.object());
        Object2IntMap<GemObject> mappings = process.mm.mappings;
        int count = mappings.getInt(object);
        if (count <= 0) {
            throw violation("%s has no mapping of %s", process, object);
        }
        if (count == 1) {
            mappings.removeInt(object);
        } else {
            mappings.put(object, count - 1);
        }
        object.mappings--;
        releaseReferences(object, process, 1);
    }

    private void free(GemFree free) {
        GemObject object = object(free.object());
        if (object.referenced()) {
            throw violation("GemFree of %s, which still has %d handles, %d dma-bufs and %d mappings",
                    object, object.handles, object.dmaBufs, object.mappings);
        }
        ledger.retract(object);
        objects.remove(object.id());
        object.creatorMm.created.remove(object);
    }

    // ---- dma-bufs ---------------------------------------------------------------------------------------

    private void export(DmaBufExport export) {
        GemObject object = object(export.object());
        requireNewDmaBuf(export.inode());
        Process process = process(export.pid());
        requireFreeFd(process, export.fd());
        DmaBuf dmaBuf = addDmaBuf(export.inode(), object);
        installFd(process, export.fd(), dmaBuf);
    }

    private void installDmaBufFd(DmaBufFdInstall install) {
        Process process = process(install.pid());
        requireFreeFd(process, install.fd());
        installFd(process, install.fd(), dmaBuf(install.inode()));
    }

    private void importDmaBuf(DmaBufImport imported) {
        DmaBuf dmaBuf = dmaBuf(imported.inode());
        DrmFile file = file(imported.file());
        requireFreeHandle(file, imported.handle());
        addHandle(file, imported.handle(), dmaBuf.object);
    }

    private void release(DmaBufRelease release) {
        DmaBuf dmaBuf = dmaBuf(release.inode());
        if (!dmaBuf.unreferenced()) {
            throw violation("DmaBufRelease of dma-buf %d, which is still open at an fd", dmaBuf.inode);
        }
        dmaBuf.object.dmaBufs--;
        dmaBufs.remove(dmaBuf.inode);
    }

    // ---- snapshots --------------------------------------------------------------------------------------

    /** The state a snapshot describes, built with the same steps as the events; throws {@link RuleViolation} if it is inconsistent. */
    static HostState restore(HostSnapshot snapshot, Runnable counterMismatch) {
        HostState state = new HostState(counterMismatch);
        state.memory = snapshot.memory();
        snapshot.devices().forEach(state::addDevice);
        for (SnapshotProcess restored : snapshot.processes()) {
            state.requireNewTask(restored.pid());
            Process process = state.addProcess(restored.pid(), restored.parentPid(), restored.comm(), restored.oomScoreAdj());
            process.counters = restored.counters();
            for (int thread : restored.threads()) {
                state.requireNewTask(thread);
                process.threads.add(thread);
                state.tasks.put(thread, process);
            }
        }
        for (SnapshotFile restored : snapshot.files()) {
            state.requireNewFile(restored.file());
            state.files.put(restored.file(), new DrmFile(restored.file(), restored.minor()));
        }
        Map<Integer, Mm> deadMms = new HashMap<>();
        snapshot.objects().forEach(restored -> state.restoreObject(restored, deadMms));
        for (SnapshotDmaBuf restored : snapshot.dmaBufs()) {
            state.requireNewDmaBuf(restored.inode());
            state.addDmaBuf(restored.inode(), state.object(restored.object()));
        }
        for (SnapshotFile restored : snapshot.files()) {
            DrmFile file = state.files.get(restored.file());
            for (SnapshotHandle handle : restored.handles()) {
                state.requireFreeHandle(file, handle.handle());
                state.addHandle(file, handle.handle(), state.object(handle.object()));
            }
        }
        for (SnapshotProcess restored : snapshot.processes()) {
            Process process = state.processes.get(restored.pid());
            for (SnapshotFd fd : restored.fds()) {
                state.requireFreeFd(process, fd.fd());
                state.installFd(process, fd.fd(), fd.file() != 0 ? state.file(fd.file()) : state.dmaBuf(fd.inode()));
            }
            for (SnapshotMapping mapping : restored.mappings()) {
                state.map(process, state.object(mapping.object()), mapping.count());
            }
        }
        return state;
    }

    /** The inverse of {@link #restore}: the whole state as the snapshot a host would send, with {@code memory} as its memory. */
    HostSnapshot snapshot(HostMemory memory) {
        List<SnapshotProcess> snapshotProcesses = new ArrayList<>(processes.size());
        for (Process process : processes.values()) {
            List<SnapshotFd> fds = new ArrayList<>(process.fds.size());
            process.fds.forEach((fd, target) -> fds.add(target instanceof DrmFile file
                    ? new SnapshotFd(fd, file.id, 0) : new SnapshotFd(fd, 0, ((DmaBuf) target).inode)));
            List<SnapshotMapping> mappings = new ArrayList<>(process.mm.mappings.size());
            forEachMapping(process.mm, (object, count) -> mappings.add(new SnapshotMapping(object.id(), count)));
            mappings.sort(Comparator.comparingLong(SnapshotMapping::object));
            snapshotProcesses.add(new SnapshotProcess(process.pid(), process.parentPid(), process.comm, List.copyOf(process.threads),
                    process.oomScoreAdj, process.counters, fds, mappings));
        }
        List<SnapshotFile> snapshotFiles = new ArrayList<>(files.size());
        for (DrmFile file : inIdOrder(files)) {
            int[] handleNumbers = file.handles.keySet().toIntArray();
            Arrays.sort(handleNumbers);
            List<SnapshotHandle> handles = new ArrayList<>(handleNumbers.length);
            for (int handle : handleNumbers) {
                handles.add(new SnapshotHandle(handle, file.handles.get(handle).id()));
            }
            snapshotFiles.add(new SnapshotFile(file.id, file.minor, handles));
        }
        List<SnapshotObject> snapshotObjects = new ArrayList<>(objects.size());
        List<GemObject> objectsInIdOrder = new ArrayList<>(objects);
        objectsInIdOrder.sort(Comparator.comparingLong(GemObject::id));
        for (GemObject object : objectsInIdOrder) {
            snapshotObjects.add(new SnapshotObject(object.id(), object.minor(), object.regionName(), object.sizeBytes(),
                    object.creatorPid(), object.creatorMmAlive(), object.residentBytes));
        }
        List<SnapshotDmaBuf> snapshotDmaBufs = new ArrayList<>(dmaBufs.size());
        inIdOrder(dmaBufs).forEach(dmaBuf -> snapshotDmaBufs.add(new SnapshotDmaBuf(dmaBuf.inode, dmaBuf.object.id())));
        return new HostSnapshot(memory, List.copyOf(devices.values()), snapshotProcesses, snapshotFiles, snapshotObjects,
                snapshotDmaBufs);
    }

    /** The values of {@code map} in ascending key order: the order of a snapshot, whatever order the map keeps. */
    private static <T> List<T> inIdOrder(Long2ObjectMap<T> map) {
        long[] ids = map.keySet().toLongArray();
        Arrays.sort(ids);
        List<T> values = new ArrayList<>(ids.length);
        for (long id : ids) {
            values.add(map.get(id));
        }
        return values;
    }

    /**
     * @param deadMms the dead creator mms restored so far, by pid: one per pid rather than one per object, as
     *                nothing tells two dead mms of a pid apart
     */
    private void restoreObject(SnapshotObject restored, Map<Integer, Mm> deadMms) {
        requireNewObject(restored.object());
        Mm creatorMm = restored.creatorMmAlive() ? process(restored.creatorPid()).mm
                : deadMms.computeIfAbsent(restored.creatorPid(), Mm::dead);
        if (GemObject.isCma(restored.region()) && restored.residentBytes() != restored.sizeBytes()) {
            throw violation("CMA object %d must be resident in full", restored.object());
        }
        addObject(new GemObject(restored.object(), ledger.region(restored.minor(), restored.region()),
                restored.sizeBytes(), creatorMm, restored.residentBytes()));
    }

    // ---- mutation steps, which cannot fail ----------------------------------------------------------------

    private Process addProcess(int pid, int parentPid, String comm, int oomScoreAdj) {
        Process process = new Process(pid, parentPid, comm, oomScoreAdj);
        processes.put(pid, process);
        tasks.put(pid, process);
        return process;
    }

    private void addObject(GemObject object) {
        objects.insert(object);
        if (object.creatorMm.alive) {
            object.creatorMm.created.add(object);
        }
        ledger.add(object);
    }

    private DmaBuf addDmaBuf(long inode, GemObject object) {
        DmaBuf dmaBuf = new DmaBuf(inode, object);
        dmaBufs.put(inode, dmaBuf);
        object.dmaBufs++;
        return dmaBuf;
    }

    private void installFd(Process process, int fd, FdTarget target) {
        process.fds.put(fd, target);
        target.fdOpened(process);
        target.forEachObject(object -> addReferences(object, process, 1));
    }

    private void uninstallFd(Process process, int fd) {
        FdTarget target = process.fds.remove(fd);
        target.fdClosed(process);
        target.forEachObject(object -> releaseReferences(object, process, 1));
    }

    private void addHandle(DrmFile file, int handle, GemObject object) {
        file.handles.put(handle, object);
        object.handles++;
        file.fdOwners.forEach((owner, fds) -> addReferences(object, owner, fds));
    }

    private void map(Process process, GemObject object, int count) {
        process.mm.mappings.addTo(object, count);
        object.mappings += count;
        addReferences(object, process, count);
    }

    /** The mm dies: its mappings go, and the objects it created lose their creator, for good. */
    private void endMm(Process process) {
        Mm mm = process.mm;
        forEachMapping(mm, (object, count) -> {
            object.mappings -= count;
            releaseReferences(object, process, count);
        });
        mm.mappings.clear();
        mm.created.forEach(ledger::retract);
        mm.alive = false;
        mm.created.forEach(ledger::add);
        // A dead mm stays as its objects' creator, but nothing about them changes when it dies again.
        mm.created.clear();
        mm.created.trim();
    }

    private static void forEachMapping(Mm mm, MappingAction action) {
        for (Object2IntMap.Entry<GemObject> mapping : Object2IntMaps.fastIterable(mm.mappings)) {
            action.accept(mapping.getKey(), mapping.getIntValue());
        }
    }

    @FunctionalInterface
    private interface MappingAction {
        void accept(GemObject object, int count);
    }

    private void removeThreads(Process process) {
        for (int thread : process.threads) {
            tasks.remove(thread);
        }
    }

    private void addReferences(GemObject object, Process process, int count) {
        if (!object.addReferences(process, count)) {
            ledger.retract(object);
            object.addHolder(process, count);
            ledger.add(object);
        }
    }

    private void releaseReferences(GemObject object, Process process, int count) {
        if (!object.dropReferences(process, count)) {
            ledger.retract(object);
            object.removeHolder(process);
            ledger.add(object);
        }
    }

    // ---- lookups and checks, which throw before anything changes ---------------------------------------------

    private Process process(int pid) {
        Process process = tasks.get(pid);
        if (process == null) {
            throw violation("unknown pid %d", pid);
        }
        return process;
    }

    private DrmFile file(long id) {
        DrmFile file = files.get(id);
        if (file == null) {
            throw violation("unknown DRM file %d", id);
        }
        return file;
    }

    private GemObject object(long id) {
        GemObject object = objects.get(id);
        if (object == null) {
            throw violation("unknown object %d", id);
        }
        return object;
    }

    private DmaBuf dmaBuf(long inode) {
        DmaBuf dmaBuf = dmaBufs.get(inode);
        if (dmaBuf == null) {
            throw violation("unknown dma-buf %d", inode);
        }
        return dmaBuf;
    }

    private void requireNewTask(int pid) {
        if (tasks.containsKey(pid)) {
            throw violation("pid %d already exists", pid);
        }
    }

    private void requireNewFile(long id) {
        if (files.containsKey(id)) {
            throw violation("DRM file %d already exists", id);
        }
    }

    private void requireNewObject(long id) {
        if (objects.containsId(id)) {
            throw violation("object %d already exists", id);
        }
    }

    private void requireNewDmaBuf(long inode) {
        if (dmaBufs.containsKey(inode)) {
            throw violation("dma-buf %d already exists", inode);
        }
    }

    private static void requireFreeFd(Process process, int fd) {
        if (process.fds.containsKey(fd)) {
            throw violation("fd %d of %s is already in use", fd, process);
        }
    }

    private static void requireFreeHandle(DrmFile file, int handle) {
        if (file.handles.containsKey(handle)) {
            throw violation("handle %d of file %d is already in use", handle, file.id);
        }
    }

    /**
     * The rule an event breaks. Checks call it only once they fail, as {@code if (...) throw violation(...)}
     * rather than through a {@code require(condition, ...)}: the arguments' array and boxes would be made on
     * every event, valid or not, and the fold is hot.
     */
    private static RuleViolation violation(String reason, Object... arguments) {
        return new RuleViolation(String.format(reason, arguments));
    }
}
