package io.gemtrack.collector.procfs;

import io.gemtrack.collector.procfs.OpenFd.DeviceNode;

/**
 * What a device counts as used in one of its memory regions, its own figure rather than its clients': amdgpu's
 * {@code mem_info_vram_used} and {@code mem_info_gtt_used} in the device's sysfs directory, or the dmem cgroup
 * controller's {@code dmem.current} of the root cgroup. The device is named as its clients name it ({@code driver},
 * {@code device}: see {@link OpenFd.DrmClient}) and {@code node} is the node the sample first saw it through.
 */
public record DeviceUse(String driver, String device, DeviceNode node, String region, long usedBytes) {
}
