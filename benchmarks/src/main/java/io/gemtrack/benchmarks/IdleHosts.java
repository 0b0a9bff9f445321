package io.gemtrack.benchmarks;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventStamper;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.testkit.BusyHost;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts of a fleet that hold no GEM object, and what each costs in the model's heap: one that has reported its memory
 * and its device (a GPU with two regions), and one whose compositor has also opened the device.
 */
public final class IdleHosts {

    private static final List<Region> REGIONS = List.of(new Region("system", 8L << 30), new Region("vram", 4L << 30));

    private IdleHosts() {
    }

    /** What a host sends before any buffer: its memory and its device. */
    public static List<EventBody> reported() {
        return List.of(new HostMemory(64L << 30, 8L << 30), new DrmDeviceAdded(0, "amdgpu", REGIONS));
    }

    /** {@link #reported}, and a compositor with the device open. */
    public static List<EventBody> withCompositor() {
        List<EventBody> events = new ArrayList<>(reported());
        events.add(new ProcessFork(100, 1, "compositor", false));
        events.add(new DrmFileOpen(100, 3, 1, 0));
        return events;
    }

    /**
     * Heap held by a fleet model of {@code hosts} hosts each sent {@code events}, divided by the hosts: used heap after
     * full collections with the model, less the same without it. Needs a JVM that honours {@link System#gc()}.
     */
    public static double heapBytesPerHost(int hosts, List<EventBody> events) {
        long before = BusyHost.usedHeapAfterGc();
        FleetModel fleet = new FleetModel();
        for (int i = 0; i < hosts; i++) {
            EventStamper host = new EventStamper(String.format("idle-%06d", i), "boot-1");
            for (EventBody body : events) {
                ApplyResult result = fleet.apply(host.stamp(host.nextSeq(), body));
                if (result != ApplyResult.APPLIED) {
                    throw new IllegalStateException("an idle host's " + body + " was not applied: " + result);
                }
            }
        }
        long after = BusyHost.usedHeapAfterGc();
        if (fleet.hosts().size() != hosts || fleet.hosts().stream().anyMatch(host -> host.liveObjects() != 0)) {
            throw new IllegalStateException("the fleet does not hold " + hosts + " hosts without objects");
        }
        return (double) (after - before) / hosts;
    }
}
