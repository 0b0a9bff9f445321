package io.gemtrack.policy;

/**
 * GEM bytes and resident bytes of the live objects of one memory region of one DRM device, exact and read saturated
 * at {@link Long#MAX_VALUE} (see {@link ExactSums}), and what the device itself counts as used there, where it
 * reports that ({@code DeviceMemory}).
 */
public final class RegionUsage {

    private final int minor;
    private final String name;
    private static final int GEM_BYTES = 0;
    private static final int RESIDENT_BYTES = 1;

    private long objects;
    private final ExactSums bytes = new ExactSums(2);
    /** The capacity a DrmDeviceAdded declared; 0 for a region no device declared, whose capacity is unknown. */
    private long capacityBytes;
    private boolean deviceReported;
    private long deviceUsedBytes;

    RegionUsage(int minor, String name) {
        this.minor = minor;
        this.name = name;
    }

    void add(int sign, long sizeBytes, long resident) {
        objects += sign;
        bytes.add(GEM_BYTES, sign * sizeBytes);
        bytes.add(RESIDENT_BYTES, sign * resident);
    }

    /** A device declares the region, with the most bytes that may be resident in it. */
    void declare(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** Whether a DrmDeviceAdded declared the region (and so its capacity). */
    public boolean declared() {
        return capacityBytes > 0;
    }

    /** The most bytes that may be resident in the region; 0 when no device declared it. */
    public long capacityBytes() {
        return capacityBytes;
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
        return bytes.get(GEM_BYTES);
    }

    public long residentBytes() {
        return bytes.get(RESIDENT_BYTES);
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
        return bytes.exceeds(RESIDENT_BYTES, deviceUsedBytes) ? 0 : deviceUsedBytes - residentBytes();
    }
}
