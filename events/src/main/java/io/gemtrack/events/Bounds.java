package io.gemtrack.events;

/**
 * The largest values the schema accepts, each inclusive. No kernel comes near them, and each leaves room for the
 * arithmetic a consumer does on one value (a size plus a pin, {@code seq + 1}, pages times {@code PAGE_SIZE})
 * without overflow; a record beyond one is malformed. Sums over many values can still exceed a {@code long} and
 * are the consumer's to saturate. docs/SEMANTICS.md §9 lists which field has which bound, and why.
 */
public final class Bounds {

    /**
     * Any one size or byte count: the largest whole number of pages below 2^52 bytes (4 PiB), which is all that
     * 52-bit physical addresses (x86-64 with 5-level paging, arm64 with LPA) can reach.
     */
    public static final long MAX_BYTES = (1L << 52) - EventBody.PAGE_SIZE;

    /** A page count ({@code driverPages}, either sign): {@link #MAX_BYTES} in pages, 2^40 − 1. */
    public static final long MAX_PAGES = MAX_BYTES / EventBody.PAGE_SIZE;

    /**
     * OOM badness points (either sign) and pages freed by an OOM kill: memory and swap are at most 2^40 pages each,
     * and {@code oom_score_adj} adds or takes at most their total again, so the kernel's figures stay within 2^42.
     */
    public static final long MAX_OOM_PAGES = 1L << 42;

    /**
     * The sequence number: 2^53 − 1, the largest integer a JSON reader that uses doubles (JavaScript, the web view)
     * reads exactly. {@code seq + 1} cannot overflow, and a host sending a million events a second takes 285 years.
     */
    public static final long MAX_SEQ = (1L << 53) - 1;

    /** The monotonic timestamp in nanoseconds: 2^62 − 1 is 146 years of uptime and leaves room to add durations. */
    public static final long MAX_TS = (1L << 62) - 1;

    /** DRM file, GEM object and dma-buf ids: numbered by their source, and read exactly by JSON readers like {@link #MAX_SEQ}. */
    public static final long MAX_ID = (1L << 53) - 1;

    /**
     * Task ids: the kernel's are below PID_MAX_LIMIT (2^22), but the collector numbers a reused pid above that, so
     * the bound is the {@code int} range less one, where {@code pid + 1} still fits.
     */
    public static final int MAX_PID = Integer.MAX_VALUE - 1;

    /** Mappings of one GEM object in one mm: 2^24, 256 times the default vm.max_map_count of a whole mm. */
    public static final int MAX_MAPPINGS = 1 << 24;

    /**
     * A command name in UTF-8 bytes: the kernel's TASK_COMM_LEN is 16 (15 bytes and the NUL), which procfs escaping
     * and the U+FFFD that replaces each byte that is not UTF-8 can triple; kernel threads may have names of 64.
     */
    public static final int MAX_COMM_BYTES = 64;

    /** A driver or memory region name in UTF-8 bytes: they are identifiers in kernel source, module names at most 55. */
    public static final int MAX_NAME_BYTES = 64;

    /** A host name in UTF-8 bytes: the longest DNS name (253), longer than any kernel's hostname (64). */
    public static final int MAX_HOST_BYTES = 253;

    /** A boot id in UTF-8 bytes: the collector's is the kernel's boot_id (36), a '/' and a start time (at most 19). */
    public static final int MAX_BOOT_ID_BYTES = 128;

    /**
     * A cgroup v2 path in UTF-8 bytes, from the root of the hierarchy ({@code /system.slice/foo.service}): PATH_MAX,
     * the longest path the kernel resolves, which {@code /proc/PID/cgroup} and cgroupfs cannot exceed.
     */
    public static final int MAX_CGROUP_PATH_BYTES = 4096;

    /** One component of a cgroup path in UTF-8 bytes: NAME_MAX, the longest directory name cgroupfs takes. */
    public static final int MAX_CGROUP_NAME_BYTES = 255;

    private Bounds() {
    }
}
