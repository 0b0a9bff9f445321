package io.gemtrack.model;

import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;

/** The rules for what a host reports of itself: its memory, its DRM devices and what they use. */
final class HostRules {

    private HostRules() {
    }

    static void memory(HostState state, HostMemory memory) {
        state.setMemory(memory);
    }

    /** A device may report a region no object and no DrmDeviceAdded named. */
    static void deviceMemory(HostState state, DeviceMemory memory) {
        state.deviceUsed(memory);
    }

    /** A cgroup need not hold a process to be sampled (a slice whose units have not started). */
    static void resourceUsage(HostState state, ResourceUsage usage) {
        state.sampleResources(usage);
    }

    static void removeCgroup(HostState state, ResourceGroupRemove remove) {
        state.requireRemovableCgroup(remove.cgroup());
        state.removeCgroup(remove.cgroup());
    }

    static void addDevice(HostState state, DrmDeviceAdded device) {
        state.requireNewDevice(device.minor());
        HostState.requireDistinctRegions(device);
        state.requireDeviceCoversObjects(device);
        state.addDevice(device);
    }
}
