package io.gemtrack.model;

import static io.gemtrack.model.RuleViolation.violation;

import io.gemtrack.events.Bounds;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventBody;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.RegionUsage;
import it.unimi.dsi.fastutil.ints.Int2ObjectMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one host boot, and the steps that change it. The rules of SEMANTICS.md §1–§5, §7, which decide
 * whether an event is valid and which steps it takes, are in the classes {@link EventRules} hands each event to:
 * {@link HostRules}, {@link ProcessRules}, {@link FileRules}, {@link GemRules} and {@link DmaBufRules}.
 * {@link SnapshotRestore} and {@link SnapshotExport} turn a snapshot into a state and back.
 *
 * <p>Every rule first checks everything that could make the event invalid, with the lookups and checks here,
 * which throw {@link RuleViolation} before touching anything, and only then mutates, with the steps here and the
 * objects' own methods, which cannot fail. That is what makes a rejected event leave the state exactly as it was
 * without copying it. Only this class changes its maps, and only an object changes its own counters.
 *
 * <p>Accounting is incremental: whatever changes something a policy looks at (resident bytes, the holder
 * set, the creator's mm) retracts the object's contribution from the {@link Ledger} first and adds it back
 * after; changes that leave those alone (another reference of an existing holder) skip the ledger.
 *
 * <p>The maps that grow with objects, files and tasks are open-addressing tables with primitive keys (the
 * objects' own {@link ObjectTable}, fastutil's maps for the rest): no boxed key and no node per entry. They
 * have no order, so a snapshot sorts by id, and nothing the fold computes depends on the order it
 * visits them in (every contribution is a sum).
 */
final class HostState {

    final Ledger ledger = new Ledger();
    /** The latest HostMemory, {@code null} while the host never sent one. */
    private HostMemory memory;
    final Map<Integer, DrmDeviceAdded> devices = new TreeMap<>();
    /** Every task, leaders and threads, to its thread group. Maps start empty and grow: a fleet has many idle hosts. */
    final Int2ObjectMap<Process> tasks = new Int2ObjectOpenHashMap<>(0);
    /** Thread groups by leader pid. */
    final Map<Integer, Process> processes = new TreeMap<>();
    final Long2ObjectMap<DrmFile> files = new Long2ObjectOpenHashMap<>(0);
    final ObjectTable objects = new ObjectTable();
    /** The objects' orders for listings; {@code null} while the host has none, as most idle hosts of a fleet do. */
    private ObjectOrder objectOrder;
    final Long2ObjectMap<DmaBuf> dmaBufs = new Long2ObjectOpenHashMap<>(0);
    /** The last sample of each cgroup's memory files, by path. */
    final Map<String, ResourceUsage> resourceUsage = new TreeMap<>();
    private final Runnable counterMismatch;
    private final EventRules rules = new EventRules(this);

    /** @param counterMismatch told of every counters sample that disagrees with the {@code rfc} charge */
    HostState(Runnable counterMismatch) {
        this.counterMismatch = counterMismatch;
    }

    /** Applies one event, or throws {@link RuleViolation} and changes nothing. */
    void apply(EventBody body) {
        body.accept(rules);
    }

    /** The latest HostMemory, {@code null} while the host never sent one. */
    HostMemory memory() {
        return memory;
    }

    /** The ids at positions {@code offset} to {@code offset + limit - 1} of {@code sort}'s order (fewer at the end). */
    long[] objectIds(ObjectSort sort, int offset, int limit) {
        return objectOrder == null ? new long[0] : objectOrder.ids(sort, offset, limit);
    }

    // ---- mutation steps, which cannot fail ----------------------------------------------------------------

    void setMemory(HostMemory memory) {
        this.memory = memory;
    }

    void reportCounterMismatch() {
        counterMismatch.run();
    }

    void addDevice(DrmDeviceAdded device) {
        devices.put(device.minor(), device);
        for (Region region : device.regions()) {
            ledger.declareRegion(device.minor(), region.name(), region.capacityBytes());
        }
    }

    Process addProcess(int pid, int parentPid, String comm, int oomScoreAdj, MmCounters counters, String cgroup) {
        Process process = new Process(pid, parentPid, comm, oomScoreAdj, counters, cgroup);
        processes.put(pid, process);
        tasks.put(pid, process);
        return process;
    }

    void addThread(Process group, int thread) {
        group.addThread(thread);
        tasks.put(thread, group);
    }

    void removeThread(Process group, int thread) {
        group.removeThread(thread);
        tasks.remove(thread);
    }

    /** Every task of the group but the leader goes. */
    void removeThreads(Process group) {
        for (int thread : group.threads()) {
            tasks.remove(thread);
        }
        group.clearThreads();
    }

    /** The group goes, its leader and threads with it; its fds and mm must have gone before. */
    void removeProcess(Process process) {
        removeThreads(process);
        tasks.remove(process.pid());
        processes.remove(process.pid());
    }

    void migrate(Process process, String cgroup) {
        process.migrate(cgroup);
    }

    void sampleResources(ResourceUsage usage) {
        resourceUsage.put(usage.cgroup(), usage);
    }

    void removeCgroup(String cgroup) {
        resourceUsage.remove(cgroup);
    }

    void addFile(DrmFile file) {
        files.put(file.id(), file);
    }

    /** Its handles go with it; they cannot change any holder, since no fd refers to the file. */
    void removeFile(DrmFile file) {
        file.forEachObject(GemObject::handleDeleted);
        files.remove(file.id());
    }

    GemObject addObject(long id, int minor, String region, long sizeBytes, Mm creatorMm, long residentBytes) {
        GemObject object = new GemObject(id, ledger.region(minor, region), sizeBytes, creatorMm, residentBytes);
        objects.insert(object);
        if (objectOrder == null) {
            objectOrder = new ObjectOrder();
        }
        objectOrder.add(object);
        object.creatorMm().addCreated(object);
        ledger.add(object);
        return object;
    }

    /** The object goes; nothing may refer to it any more. */
    void removeObject(GemObject object) {
        ledger.retract(object);
        objects.remove(object.id());
        objectOrder.remove(object);
        if (objects.isEmpty()) {
            objectOrder = null;
        }
        object.creatorMm().removeCreated(object);
    }

    void changeResident(GemObject object, long delta) {
        ledger.retract(object);
        object.changeResident(delta);
        ledger.add(object);
    }

    void changeStatus(GemObject object, long purgeable, long active, long evicted) {
        ledger.retractStatus(object);
        object.setStatus(purgeable, active, evicted);
        ledger.addStatus(object);
    }

    void deviceUsed(DeviceMemory memory) {
        ledger.deviceUsed(memory.minor(), memory.region(), memory.usedBytes());
    }

    DmaBuf addDmaBuf(long inode, GemObject object) {
        DmaBuf dmaBuf = new DmaBuf(inode, object);
        dmaBufs.put(inode, dmaBuf);
        object.dmaBufAdded();
        return dmaBuf;
    }

    /** The dma-buf goes; no fd may refer to it any more. */
    void removeDmaBuf(DmaBuf dmaBuf) {
        dmaBuf.object().dmaBufReleased();
        dmaBufs.remove(dmaBuf.inode());
    }

    void installFd(Process process, int fd, FdTarget target) {
        process.addFd(fd, target);
        target.fdOpened(process);
        target.forEachObject(object -> addReferences(object, process, 1));
    }

    void uninstallFd(Process process, int fd) {
        FdTarget target = process.removeFd(fd);
        target.fdClosed(process);
        target.forEachObject(object -> releaseReferences(object, process, 1));
    }

    void addHandle(DrmFile file, int handle, GemObject object) {
        file.addHandle(handle, object);
        object.handleAdded();
        file.forEachFdOwner((owner, fds) -> addReferences(object, owner, fds));
    }

    void deleteHandle(DrmFile file, int handle, GemObject object) {
        file.removeHandle(handle);
        object.handleDeleted();
        file.forEachFdOwner((owner, fds) -> releaseReferences(object, owner, fds));
    }

    void map(Process process, GemObject object, int count) {
        process.mm().map(object, count);
        object.mapped(count);
        addReferences(object, process, count);
    }

    /** Removes one mapping of an object mapped into the process's mm {@code count} times. */
    void unmapOnce(Process process, GemObject object, int count) {
        process.mm().unmapOnce(object, count);
        object.unmapped(1);
        releaseReferences(object, process, 1);
    }

    /** The mm dies: its mappings go, and the objects it created lose their creator, for good. */
    void endMm(Process process) {
        Mm mm = process.mm();
        mm.forEachMapping((object, count) -> {
            object.unmapped(count);
            releaseReferences(object, process, count);
        });
        mm.clearMappings();
        mm.created().forEach(ledger::retract);
        mm.die();
        mm.created().forEach(ledger::add);
        mm.clearCreated();
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

    Process process(int pid) {
        Process process = tasks.get(pid);
        if (process == null) {
            throw violation("unknown pid %d", pid);
        }
        return process;
    }

    DrmFile file(long id) {
        DrmFile file = files.get(id);
        if (file == null) {
            throw violation("unknown DRM file %d", id);
        }
        return file;
    }

    GemObject object(long id) {
        GemObject object = objects.get(id);
        if (object == null) {
            throw violation("unknown object %d", id);
        }
        return object;
    }

    DmaBuf dmaBuf(long inode) {
        DmaBuf dmaBuf = dmaBufs.get(inode);
        if (dmaBuf == null) {
            throw violation("unknown dma-buf %d", inode);
        }
        return dmaBuf;
    }

    void requireNewDevice(int minor) {
        if (devices.containsKey(minor)) {
            throw violation("DRM device minor %d already exists", minor);
        }
    }

    /** Each region of a device is declared once: two capacities for one region would contradict each other. */
    static void requireDistinctRegions(DrmDeviceAdded device) {
        Set<String> names = new HashSet<>();
        for (Region region : device.regions()) {
            if (!names.add(region.name())) {
                throw violation("DRM device minor %d declares region %s twice", device.minor(), region.name());
            }
        }
    }

    /**
     * A device declared once objects live tells the truth about them too: each of its regions holds what lives in it
     * within its capacity, and the objects on its minor are in regions it declares; the first device declared finds
     * no object on another minor. So every object of a host that declares devices is in a declared region, and a
     * checkpoint of the host restores under the same rules.
     */
    void requireDeviceCoversObjects(DrmDeviceAdded device) {
        Set<String> declared = new HashSet<>();
        for (Region region : device.regions()) {
            declared.add(region.name());
            RegionUsage usage = ledger.existingRegion(device.minor(), region.name());
            if (usage != null && usage.residentBytes() > region.capacityBytes()) {
                throw violation("DRM device minor %d declares region %s of %d bytes, which already holds %d resident",
                        device.minor(), region.name(), region.capacityBytes(), usage.residentBytes());
            }
        }
        for (RegionUsage usage : ledger.regions()) {
            boolean covered = usage.minor() == device.minor() ? declared.contains(usage.name()) : !devices.isEmpty();
            if (usage.objects() > 0 && !covered) {
                throw violation("DRM device minor %d is declared while %d objects live in region %s of minor %d, which no"
                        + " device declares", device.minor(), usage.objects(), usage.name(), usage.minor());
            }
        }
    }

    /**
     * A host that declares its devices creates objects only in the regions they declared. One that declares none
     * (the collector sees devices only through fdinfo, without their capacities) is taken at its word.
     */
    void requireDeclaredRegion(int minor, String region) {
        if (devices.isEmpty()) {
            return;
        }
        DrmDeviceAdded device = devices.get(minor);
        if (device == null) {
            throw violation("no DRM device minor %d was declared on this host", minor);
        }
        RegionUsage usage = ledger.existingRegion(minor, region);
        if (usage == null || !usage.declared()) {
            throw violation("DRM device minor %d (%s) declared no region %s", minor, device.driver(), region);
        }
    }

    /** A declared region never holds more resident bytes than its capacity; one no device declared has none known. */
    void requireCapacity(int minor, String region, long moreResidentBytes) {
        RegionUsage usage = ledger.existingRegion(minor, region);
        if (usage != null && usage.declared() && moreResidentBytes > usage.capacityBytes() - usage.residentBytes()) {
            throw violation("%d more resident bytes would exceed the %d bytes of region %s of DRM device minor %d, which"
                    + " holds %d", moreResidentBytes, usage.capacityBytes(), region, minor, usage.residentBytes());
        }
    }

    /**
     * A cgroup is removed only when empty, as rmdir requires: no process in it or beneath it, and no cgroup beneath it
     * that was sampled (and so not removed first).
     */
    void requireRemovableCgroup(String cgroup) {
        for (Process process : processes.values()) {
            if (CgroupPath.within(process.cgroup(), cgroup)) {
                throw violation("cgroup %s is not empty: %s is in %s", cgroup, process, process.cgroup());
            }
        }
        for (String sampled : resourceUsage.keySet()) {
            if (!sampled.equals(cgroup) && CgroupPath.within(sampled, cgroup)) {
                throw violation("cgroup %s is not empty: cgroup %s is beneath it", cgroup, sampled);
            }
        }
    }

    void requireNewTask(int pid) {
        if (tasks.containsKey(pid)) {
            throw violation("pid %d already exists", pid);
        }
    }

    void requireNewFile(long id) {
        if (files.containsKey(id)) {
            throw violation("DRM file %d already exists", id);
        }
    }

    void requireNewObject(long id) {
        if (objects.containsId(id)) {
            throw violation("object %d already exists", id);
        }
    }

    void requireNewDmaBuf(long inode) {
        if (dmaBufs.containsKey(inode)) {
            throw violation("dma-buf %d already exists", inode);
        }
    }

    static void requireFreeFd(Process process, int fd) {
        if (process.hasFd(fd)) {
            throw violation("fd %d of %s is already in use", fd, process);
        }
    }

    /**
     * An mm maps one object at most {@link Bounds#MAX_MAPPINGS} times, the bound of a snapshot's mapping count, so
     * that every state can be checkpointed as a snapshot. A fork copies counts within it.
     */
    static void requireRoomForMappings(Process process, GemObject object, int count) {
        int mapped = process.mm().mappingsOf(object);
        if (count > Bounds.MAX_MAPPINGS - mapped) {
            throw violation("%s maps %s %d times; %d more would exceed the %d mappings one mm may have", process, object,
                    mapped, count, Bounds.MAX_MAPPINGS);
        }
    }

    static void requireFreeHandle(DrmFile file, int handle) {
        if (file.hasHandle(handle)) {
            throw violation("handle %d of file %d is already in use", handle, file.id());
        }
    }
}
