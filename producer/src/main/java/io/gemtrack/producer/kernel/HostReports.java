package io.gemtrack.producer.kernel;

import static io.gemtrack.producer.kernel.InvariantViolation.require;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.producer.truth.HostFacts;
import io.gemtrack.producer.truth.ObjectTruth;
import io.gemtrack.producer.truth.ProcessFacts;
import io.gemtrack.producer.truth.RegionTruth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a reader of the host sees of a kernel's state: the {@code HostSnapshot} it sends, and the facts ground truth is made of. */
final class HostReports {

    private HostReports() {
    }

    /** The whole state as the {@code HostSnapshot} a host sends, with every process's counters as they are now. */
    static HostSnapshot snapshot(KernelState state) {
        require(state.memory != null, "a snapshot before the host reported its memory");
        List<SnapshotProcess> snapshotProcesses = new ArrayList<>(state.processes.size());
        for (TaskGroup group : state.processes.values()) {
            List<SnapshotFd> fds = new ArrayList<>(group.fds.size());
            group.fds.forEach((fd, target) -> fds.add(target instanceof DrmFile file
                    ? new SnapshotFd(fd, file.id, 0) : new SnapshotFd(fd, 0, ((DmaBuf) target).inode)));
            Map<Long, Integer> mappings = new TreeMap<>();
            group.mm.mappings.forEach((object, count) -> mappings.put(object.id, count));
            MmCounters sample = group.mm.sample;
            snapshotProcesses.add(new SnapshotProcess(group.pid, group.parentPid, group.comm, List.copyOf(group.threads),
                    group.oomScoreAdj, new MmCounters(group.pid, sample.fileBytes(), sample.anonBytes(), sample.shmemBytes(),
                    sample.swapBytes(), sample.pageTableBytes(), group.mm.driverPages),
                    fds, mappings.entrySet().stream().map(e -> new SnapshotMapping(e.getKey(), e.getValue())).toList(),
                    group.cgroup));
        }
        List<SnapshotFile> snapshotFiles = state.files.values().stream().map(file -> new SnapshotFile(file.id, file.device.minor,
                file.handles.entrySet().stream().map(e -> new SnapshotHandle(e.getKey(), e.getValue().id)).toList())).toList();
        List<SnapshotObject> snapshotObjects = state.objects.values().stream().map(object -> new SnapshotObject(object.id,
                object.device.minor, object.region.name, object.sizeBytes, object.creatorMm.owner.pid, object.creatorMm.alive,
                object.residentBytes, object.purgeableBytes, object.activeBytes, object.evictedBytes)).toList();
        List<SnapshotDmaBuf> snapshotDmaBufs = state.dmaBufs.values().stream()
                .map(dmaBuf -> new SnapshotDmaBuf(dmaBuf.inode, dmaBuf.object.id)).toList();
        List<DrmDeviceAdded> snapshotDevices = state.devices.values().stream()
                .map(device -> new DrmDeviceAdded(device.minor, device.driver, device.declared)).toList();
        List<DeviceMemory> deviceMemory = new ArrayList<>();
        for (DrmDevice device : state.devices.values()) {
            for (DrmDevice.MemoryRegion region : device.regions.values()) {
                if (region.reportedUsedBytes >= 0) {
                    deviceMemory.add(new DeviceMemory(device.minor, region.name, region.reportedUsedBytes));
                }
            }
        }
        return new HostSnapshot(state.memory, snapshotDevices, snapshotProcesses, snapshotFiles, snapshotObjects, snapshotDmaBufs,
                deviceMemory, List.copyOf(state.reportedUsage.values()));
    }

    /** The state as plain values, for {@link io.gemtrack.producer.truth.GroundTruth} to apply the policies to. */
    static HostFacts facts(KernelState state) {
        Map<GemObject, Set<Integer>> holders = new HashMap<>();
        for (TaskGroup group : state.processes.values()) {
            for (FdTarget target : group.fds.values()) {
                if (target instanceof DrmFile file) {
                    file.handles.values().forEach(object -> holders.computeIfAbsent(object, o -> new TreeSet<>()).add(group.pid));
                } else {
                    holders.computeIfAbsent(((DmaBuf) target).object, o -> new TreeSet<>()).add(group.pid);
                }
            }
            group.mm.mappings.keySet().forEach(object -> holders.computeIfAbsent(object, o -> new TreeSet<>()).add(group.pid));
        }
        List<ObjectTruth> objectTruths = state.objects.values().stream().map(object -> new ObjectTruth(object.id, object.device.minor,
                object.region.name, object.sizeBytes, object.residentBytes, object.creatorMm.owner.pid, object.creatorMm.alive,
                List.copyOf(holders.getOrDefault(object, Set.of())), object.purgeableBytes, object.activeBytes, object.evictedBytes))
                .toList();
        List<ProcessFacts> processFacts = state.processes.values().stream().map(group -> new ProcessFacts(group.pid, group.comm,
                group.oomScoreAdj, group.mm.sample, group.mm.driverPages, group.cgroup)).toList();
        List<RegionTruth> regions = new ArrayList<>();
        for (DrmDevice device : state.devices.values()) {
            for (DrmDevice.MemoryRegion region : device.regions.values()) {
                long count = 0;
                long gemBytes = 0;
                for (GemObject object : state.objects.values()) {
                    if (object.region == region) {
                        count++;
                        gemBytes += object.sizeBytes;
                    }
                }
                regions.add(new RegionTruth(device.minor, region.name, region.capacityBytes, count, gemBytes, region.residentBytes,
                        region.reportedUsedBytes >= 0, Math.max(0, region.reportedUsedBytes)));
            }
        }
        long totalPages = state.memory == null ? 0 : (state.memory.memTotalBytes() + state.memory.swapTotalBytes()) / EventBody.PAGE_SIZE;
        return new HostFacts(totalPages, processFacts, objectTruths, regions, state.memory,
                List.copyOf(state.reportedUsage.values()));
    }
}
