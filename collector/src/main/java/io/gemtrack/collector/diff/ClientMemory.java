package io.gemtrack.collector.diff;

import io.gemtrack.collector.diff.HostTarget.PagedRegion;
import io.gemtrack.collector.diff.HostTarget.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A DRM client's memory per region as its fdinfo files it, made into what the model can hold: objects whose
 * resident bytes never exceed their size. Figures are whole pages.
 *
 * <p>Per region, {@code drm-total} is the client's buffers and {@code drm-shared} the part shared with another file;
 * {@code drm-resident} says how much is backed in the region, and nothing says whether those are shared or private
 * bytes: the shared ones are taken to be resident first (a buffer another process uses is mostly one being shown or
 * worked on). The driver files residency where the memory is now, which need not be where it files the total: amdgpu
 * files totals by preferred placement, so VRAM evicted to GTT is resident in gtt beyond gtt's total. Those resident
 * bytes stay in the region that files them, and their size moves there from the regions whose bytes are not resident
 * (their private bytes first, largest first), so the client's sizes still add up to its totals.
 *
 * <p>The driver's purgeable and active bytes of a region are among its resident bytes: they go to the private
 * object's resident bytes first, the rest to the shared ones. A region's evicted bytes (amdgpu's, of buffers that
 * prefer it) are resident in other regions: they go to the private objects of the regions its bytes moved to for
 * their overflow, as far as they moved, then to other regions' private resident bytes, largest first.
 */
final class ClientMemory {

    /** A region as fdinfo gives it, in bytes. */
    record Filed(long totalBytes, long sharedBytes, long residentBytes, long purgeableBytes, long activeBytes, long evictedBytes) {

        Filed(long totalBytes, long sharedBytes, long residentBytes) {
            this(totalBytes, sharedBytes, residentBytes, 0, 0, 0);
        }
    }

    /** Per region, the client's private memory and its part of shared memory; regions without bytes are left out. */
    record Split(SortedMap<String, PagedRegion> own, SortedMap<String, PagedRegion> shared) {
    }

    private ClientMemory() {
    }

    static Split split(SortedMap<String, Filed> filed) {
        List<Region> regions = new ArrayList<>();
        filed.forEach((name, figures) -> regions.add(new Region(name, figures)));
        for (Region region : regions) {
            for (Region source : bySlack(regions, region)) {
                region.moveIn(source);
            }
            region.takeRestOfOverflow();
        }
        for (Region region : regions) {
            placeEvicted(region, regions);
        }
        SortedMap<String, PagedRegion> own = new TreeMap<>();
        SortedMap<String, PagedRegion> shared = new TreeMap<>();
        for (Region region : regions) {
            long purgeable = Pages.whole(region.filed.purgeableBytes());
            long active = Pages.whole(region.filed.activeBytes());
            long ownPurgeable = Math.min(purgeable, region.ownResident);
            long ownActive = Math.min(active, region.ownResident);
            if (region.ownSize > 0) {
                own.put(region.name, new PagedRegion(region.ownSize, region.ownResident,
                        new Status(ownPurgeable, ownActive, region.ownEvicted)));
            }
            if (region.sharedSize > 0) {
                shared.put(region.name, new PagedRegion(region.sharedSize, region.sharedResident,
                        new Status(purgeable - ownPurgeable, active - ownActive, 0).within(region.sharedResident)));
            }
        }
        return new Split(own, shared);
    }

    /** {@code evicting}'s evicted bytes to the private resident bytes of the regions they are resident in, as far as known. */
    private static void placeEvicted(Region evicting, List<Region> regions) {
        long left = Pages.whole(evicting.filed.evictedBytes());
        List<Region> others = regions.stream().filter(region -> region != evicting).toList();
        for (Region target : others.stream().sorted(Comparator.comparingLong((Region region) -> region.received(evicting)).reversed())
                .toList()) {
            left -= target.takeEvicted(Math.min(left, target.received(evicting)));
        }
        for (Region target : others.stream().sorted(Comparator.comparingLong(Region::evictionRoom).reversed()).toList()) {
            left -= target.takeEvicted(left);
        }
    }

    /** The other regions with bytes that are not resident, most first, then by name. */
    private static List<Region> bySlack(List<Region> regions, Region overflowing) {
        return regions.stream().filter(region -> region != overflowing && region.slack() > 0)
                .sorted(Comparator.comparingLong(Region::slack).reversed()).toList();
    }

    private static final class Region {
        final String name;
        final Filed filed;
        /** Size moved here from each other region for this one's overflow. */
        final Map<Region, Long> received = new HashMap<>();
        long ownEvicted;
        long ownSize;
        long ownResident;
        long sharedSize;
        long sharedResident;
        /** Resident bytes beyond the region's total, still to be given a size. */
        long overflow;

        Region(String name, Filed filed) {
            this.name = name;
            this.filed = filed;
            long total = Pages.whole(filed.totalBytes());
            sharedSize = Math.min(Pages.whole(filed.sharedBytes()), total);
            ownSize = total - sharedSize;
            if (name.equals(HostView.CMA_REGION)) {
                sharedResident = sharedSize;
                ownResident = ownSize;
                return;
            }
            long resident = Pages.whole(filed.residentBytes());
            sharedResident = Math.min(sharedSize, resident);
            ownResident = Math.min(ownSize, resident - sharedResident);
            overflow = resident - sharedResident - ownResident;
        }

        long slack() {
            return ownSize - ownResident + sharedSize - sharedResident;
        }

        /** Takes size for this region's overflow from {@code source}'s bytes that are not resident, private ones first. */
        void moveIn(Region source) {
            long fromOwn = Math.min(overflow, source.ownSize - source.ownResident);
            source.ownSize -= fromOwn;
            long fromShared = Math.min(overflow - fromOwn, source.sharedSize - source.sharedResident);
            source.sharedSize -= fromShared;
            ownSize += fromOwn + fromShared;
            ownResident += fromOwn + fromShared;
            overflow -= fromOwn + fromShared;
            received.merge(source, fromOwn + fromShared, Long::sum);
        }

        long received(Region source) {
            return received.getOrDefault(source, 0L);
        }

        /** Private resident bytes not yet counted as evicted from another region. */
        long evictionRoom() {
            return ownResident - ownEvicted;
        }

        /** Counts up to {@code bytes} of this region's private resident bytes as evicted; returns how many. */
        long takeEvicted(long bytes) {
            long taken = Math.min(bytes, evictionRoom());
            ownEvicted += taken;
            return taken;
        }

        /** Resident bytes no other region's size accounts for (the regions' residency exceeds their totals): sized here. */
        void takeRestOfOverflow() {
            ownSize += overflow;
            ownResident += overflow;
            overflow = 0;
        }
    }
}
