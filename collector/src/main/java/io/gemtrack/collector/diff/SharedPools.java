package io.gemtrack.collector.diff;

import io.gemtrack.collector.diff.HostTarget.PagedRegion;
import io.gemtrack.collector.diff.HostTarget.PoolRegion;
import io.gemtrack.collector.diff.HostTarget.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Shared memory whose holders fdinfo does not name, per device and region: "shared, holders unknown". Each client
 * prints its shared bytes, and every client with a handle to a shared buffer counts it, so the clients' sum counts
 * buffers more than once; the most that one client shows is a figure that never does, and is exact where one client
 * (a compositor) shares with all the others. The oldest process holding that client is the pool's creator, as it is
 * of the client's private memory. GEM buffers exported as dma-bufs that a GEM object still has are in that figure and
 * are also objects of their own, held by the processes the dma-buf's fds and mappings reveal, so their bytes are
 * taken out of the pools of the devices that may have exported them, the largest pool first. A pool's purgeable and
 * active bytes are those of the client whose share it is, within what stays resident.
 */
final class SharedPools {

    /** What drm_gem_prime_export, the export most GEM drivers use, gives as a dma-buf's exp_name (drm_prime.c's module). */
    static final String GEM_PRIME_EXPORTER = "drm";

    /** A client's shared bytes per region, on the device of {@code minor}, held first by {@code holderPid}. */
    record Contribution(int minor, String driver, int holderPid, SortedMap<String, PagedRegion> shared) {
    }

    /** A GEM buffer that is also a dma-buf: {@code exporter} is its exp_name, the driver's or {@code drm}. */
    record ExportedBuffer(String exporter, long sizeBytes) {
    }

    private SharedPools() {
    }

    /** The pools by device minor and region, from the clients' contributions (in file order) and the exported buffers. */
    static SortedMap<Integer, SortedMap<String, PoolRegion>> pools(List<Contribution> contributions, List<ExportedBuffer> exported) {
        SortedMap<Integer, SortedMap<String, Share>> byDevice = new TreeMap<>();
        for (Contribution contribution : contributions) {
            SortedMap<String, Share> shares = byDevice.computeIfAbsent(contribution.minor(), minor -> new TreeMap<>());
            contribution.shared().forEach((region, figures) -> {
                Share share = shares.get(region);
                if (share == null || figures.sizeBytes() > share.size) {
                    shares.put(region, new Share(contribution.minor(), contribution.driver(), region, figures, contribution.holderPid()));
                }
            });
        }
        List<Share> all = byDevice.values().stream().flatMap(shares -> shares.values().stream()).toList();
        for (ExportedBuffer buffer : exported) {
            List<Share> candidates = all.stream().filter(share -> share.mayHaveExported(buffer)).toList();
            long left = buffer.sizeBytes();
            for (Share largest = largest(candidates); left > 0 && largest != null; largest = largest(candidates)) {
                left -= largest.giveUp(left);
            }
        }
        SortedMap<Integer, SortedMap<String, PoolRegion>> pools = new TreeMap<>();
        for (Share share : all) {
            if (share.size > 0) {
                pools.computeIfAbsent(share.minor, minor -> new TreeMap<>())
                        .put(share.region, new PoolRegion(new PagedRegion(share.size, share.resident, share.status.within(share.resident)),
                                share.creatorPid));
            }
        }
        return pools;
    }

    private static Share largest(List<Share> shares) {
        return shares.stream().filter(share -> share.size > 0)
                .min(Comparator.comparingLong((Share share) -> share.size).reversed()
                        .thenComparingInt(share -> share.minor).thenComparing(share -> share.region))
                .orElse(null);
    }

    private static final class Share {
        final int minor;
        final String driver;
        final String region;
        final int creatorPid;
        long size;
        long resident;
        /** The driver's figures of the client whose share this is. */
        final Status status;

        Share(int minor, String driver, String region, PagedRegion figures, int creatorPid) {
            this.minor = minor;
            this.driver = driver;
            this.region = region;
            this.creatorPid = creatorPid;
            this.size = figures.sizeBytes();
            this.resident = figures.residentBytes();
            this.status = figures.status();
        }

        boolean mayHaveExported(ExportedBuffer buffer) {
            return buffer.exporter().equals(GEM_PRIME_EXPORTER) || buffer.exporter().equals(driver);
        }

        /** Gives up to {@code bytes} to an exported buffer's own object; returns how many. */
        long giveUp(long bytes) {
            long given = Math.min(bytes, size);
            size -= given;
            resident = Math.min(resident, size);
            return given;
        }
    }
}
