package io.gemtrack.policy;

/** GEM bytes and resident bytes of the live objects of one memory region of one DRM device. */
public final class RegionUsage {

    private final int minor;
    private final String name;
    private long objects;
    private long gemBytes;
    private long residentBytes;

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
}
