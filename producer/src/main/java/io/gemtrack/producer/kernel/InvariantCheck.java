package io.gemtrack.producer.kernel;

import static io.gemtrack.producer.kernel.InvariantViolation.require;

import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's invariants, recomputed from scratch: references of each object, fds of each file and dma-buf, each
 * mm's {@code MM_DRIVERPAGES} against the objects it is charged for, each region's residency.
 */
final class InvariantCheck {

    private InvariantCheck() {
    }

    /** Throws {@link InvariantViolation} at the first count that differs from what the structures say. */
    static void check(KernelState state) {
        Map<Object, Integer> fds = new HashMap<>();
        Map<GemObject, Integer> mappings = new HashMap<>();
        for (TaskGroup group : state.processes.values()) {
            require(group.mm.alive, "%s lives with a dead mm", group);
            for (FdTarget target : group.fds.values()) {
                fds.merge(target, 1, Integer::sum);
                require(target instanceof DrmFile file ? !file.closed && state.files.get(file.id) == file
                        : state.dmaBufs.get(((DmaBuf) target).inode) == target, "%s has an fd to a released file or dma-buf", group);
            }
            group.mm.mappings.forEach((object, count) -> mappings.merge(object, count, Integer::sum));
            group.threads.forEach(thread -> require(state.tasks.get(thread) == group, "thread %d of %s is not its task", thread, group));
        }
        require(state.tasks.size() == state.processes.size() + state.processes.values().stream().mapToInt(group -> group.threads.size()).sum(),
                "tasks and thread groups disagree");
        Map<GemObject, Integer> handles = new HashMap<>();
        for (DrmFile file : state.files.values()) {
            require(!file.closed, "closed DRM file %d is still listed", file.id);
            require(file.fds == fds.getOrDefault(file, 0) && file.fds > 0, "DRM file %d counts %d fds, has %d", file.id, file.fds,
                    fds.getOrDefault(file, 0));
            file.handles.values().forEach(object -> {
                require(state.objects.get(object.id) == object, "DRM file %d has a handle to freed %s", file.id, object);
                handles.merge(object, 1, Integer::sum);
            });
        }
        for (DmaBuf dmaBuf : state.dmaBufs.values()) {
            require(dmaBuf.fds == fds.getOrDefault(dmaBuf, 0) && dmaBuf.fds > 0, "dma-buf %d counts %d fds, has %d", dmaBuf.inode,
                    dmaBuf.fds, fds.getOrDefault(dmaBuf, 0));
            require(dmaBuf.object.dmaBuf == dmaBuf && state.objects.get(dmaBuf.object.id) == dmaBuf.object,
                    "dma-buf %d and its object disagree", dmaBuf.inode);
        }
        Map<Mm, Long> charged = new HashMap<>();
        Map<DrmDevice.MemoryRegion, Long> resident = new HashMap<>();
        for (GemObject object : state.objects.values()) {
            require(object.handles == handles.getOrDefault(object, 0) && object.mappings == mappings.getOrDefault(object, 0),
                    "%s counts %d handles and %d mappings, has %d and %d", object, object.handles, object.mappings,
                    handles.getOrDefault(object, 0), mappings.getOrDefault(object, 0));
            require(object.referenced(), "%s lives without a reference", object);
            require(object.residentBytes >= 0 && object.residentBytes <= object.sizeBytes, "%s has %d resident", object,
                    object.residentBytes);
            require(!object.region.contiguous() || object.residentBytes == object.sizeBytes, "CMA %s is not resident in full",
                    object);
            if (object.residentBytes > 0 && object.creatorMm.alive) {
                charged.merge(object.creatorMm, object.pages(), Long::sum);
            }
            resident.merge(object.region, object.residentBytes, Long::sum);
        }
        for (TaskGroup group : state.processes.values()) {
            Mm mm = group.mm;
            require(mm.driverPages >= 0, "MM_DRIVERPAGES of %s is negative: %d", group, mm.driverPages);
            require(mm.driverPages == charged.getOrDefault(mm, 0L) + mm.inheritedDriverPages,
                    "MM_DRIVERPAGES of %s is %d, its resident objects make %d (+%d inherited)", group, mm.driverPages,
                    charged.getOrDefault(mm, 0L), mm.inheritedDriverPages);
        }
        for (DrmDevice device : state.devices.values()) {
            for (DrmDevice.MemoryRegion region : device.regions.values()) {
                require(region.residentBytes == resident.getOrDefault(region, 0L) && region.residentBytes <= region.capacityBytes,
                        "region %d/%s counts %d resident bytes, has %d (capacity %d)", device.minor, region.name,
                        region.residentBytes, resident.getOrDefault(region, 0L), region.capacityBytes);
            }
        }
    }
}
