package io.gemtrack.policy;

/**
 * GEM bytes and resident bytes of the live objects of one memory region of one DRM device, and what the device
 * itself counts as used there, where it reports that ({@code DeviceMemory}).
 */
public final class RegionUsage {

    private final int minor;
    private final String name;
    private long objects;
    private long gemBytes;
    private long residentBytes;
    private boolean deviceReported;
    private long deviceUsedBytes;

    RegionUsage(int minor, String name) {
        this.minor = minor;
        this.name = name;
    }

    void add(int sign, long sizeBytes, long resident) {
        objects += sign;
        gemBytes += sign * sizeBytes;
        residentBytes += sign * resident;
    }

    public int minor() {
        return minor;
    }

    public String name() {
        return name;
    }

    public long objects() {
        return objects;
    }

    public long gemBytes() {
        return gemBytes;
    }

    public long residentBytes() {
        return residentBytes;
    }

    void deviceUsed(long usedBytes) {
        deviceReported = true;
        deviceUsedBytes = usedBytes;
    }

    /** Whether the device reports its own use of the region. */
    public boolean deviceReported() {
        return deviceReported;
    }

    /** What the device counts as used in the region, 0 where it reports nothing. */
    public long deviceUsedBytes() {
        return deviceUsedBytes;
    }

    /**
     * The device's use of the region beyond what its objects hold resident: memory the device uses that no object,
     * and so no process, accounts for (the kernel's and firmware's own, and what no client shows); 0 where the device
     * reports nothing.
     */
    public long unattributedBytes() {
        return Math.max(0, deviceUsedBytes - residentBytes);
    }
}
