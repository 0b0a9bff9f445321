package io.gemtrack.model;

import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostMemory;

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

    static void addDevice(HostState state, DrmDeviceAdded device) {
        state.requireNewDevice(device.minor());
        HostState.requireDistinctRegions(device);
        state.requireDeviceCoversObjects(device);
        state.addDevice(device);
    }
}
