package io.gemtrack.model;

import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostMemory;

/** The rules for what a host reports of itself: its memory and its DRM devices. */
final class HostRules {

    private HostRules() {
    }

    static void memory(HostState state, HostMemory memory) {
        state.setMemory(memory);
    }

    static void addDevice(HostState state, DrmDeviceAdded device) {
        state.requireNewDevice(device.minor());
        state.addDevice(device);
    }
}
