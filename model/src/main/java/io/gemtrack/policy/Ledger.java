package io.gemtrack.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The accounting of one host, kept incrementally: the model {@link #add adds} an object's contribution when
 * it appears and {@link #retract retracts} it before anything the policies look at changes (resident bytes,
 * holders, the creator's mm), adding it back afterwards. So an event costs the objects it touches times
 * their holders, never a pass over the host.
 *
 * <p>Every byte figure is a sum over objects, which can exceed a {@code long}: each is kept exactly in an
 * {@link ExactSums} and read saturated at {@link Long#MAX_VALUE}, so a retraction always undoes its addition.
 */
public final class Ledger {

    /** In ordinal order, so a policy's index here is its index in the sums below. */
    private static final Policy[] POLICIES = Policy.values();
    private static final StatusFigure[] FIGURES = StatusFigure.values();

    /** The sums' indices in {@link #sums}: three of the host, then three per policy (by ordinal). */
    private static final int GEM_BYTES = 0;
    private static final int RESIDENT_BYTES = 1;
    private static final int ORPHANED_BYTES = 2;
    private static final int CHARGED = 3;
    private static final int UNACCOUNTED = CHARGED + POLICIES.length;
    private static final int OVERCHARGED = UNACCOUNTED + POLICIES.length;

    /**
     * By device minor, then name, found by binary search on every GemCreate: a host has a few regions, and a sorted
     * list of them costs a fraction of a hash map and a tree map, which most of an idle host's heap once was.
     */
    private final List<RegionUsage> regions = new ArrayList<>(0);
    private final ExactSums sums = new ExactSums(OVERCHARGED + POLICIES.length);
    private final ExactSums status = new ExactSums(FIGURES.length);
    /** What one policy charges for the object being added or retracted, over all processes. */
    private final ExactSums objectCharged = new ExactSums(1);
    private long objects;

    /** A device declares a region: its usage, created empty if need be, learns its capacity. */
    public void declareRegion(int minor, String name, long capacityBytes) {
        region(minor, name).declare(capacityBytes);
    }

    /** The usage of a region if a device declared it or an object used it; {@code null} otherwise. */
    public RegionUsage existingRegion(int minor, String name) {
        int at = indexOf(minor, name);
        return at >= 0 ? regions.get(at) : null;
    }

    /** The usage of a region, created empty when a device declares it or an object first uses it. */
    public RegionUsage region(int minor, String name) {
        int at = indexOf(minor, name);
        if (at >= 0) {
            return regions.get(at);
        }
        RegionUsage usage = new RegionUsage(minor, name);
        regions.add(-at - 1, usage);
        return usage;
    }

    /** The index of the region in {@link #regions}, or {@code -(insertion point) - 1}. */
    private int indexOf(int minor, String name) {
        int low = 0;
        int high = regions.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            RegionUsage region = regions.get(middle);
            int order = region.minor() != minor ? Integer.compare(region.minor(), minor) : region.name().compareTo(name);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -low - 1;
    }

    public void add(AccountedObject object) {
        contribute(object, 1);
    }

    public void retract(AccountedObject object) {
        contribute(object, -1);
    }

    private void contribute(AccountedObject object, int sign) {
        long resident = object.residentBytes();
        long size = object.sizeBytes();
        object.region().add(sign, size, resident);
        objects += sign;
        sums.add(GEM_BYTES, sign * size);
        sums.add(RESIDENT_BYTES, sign * resident);
        if (object.creatorCharges() == null) {
            sums.add(ORPHANED_BYTES, sign * resident);
        }
        // Twice per event: an array and indices rather than the list's iterator, as the profile asked.
        for (int i = 0; i < POLICIES.length; i++) {
            objectCharged.clear(0);
            POLICIES[i].charge(object, sign, objectCharged);
            sums.add(CHARGED + i, sign, objectCharged, 0);
            if (objectCharged.exceeds(0, resident)) {
                sums.add(OVERCHARGED + i, sign, objectCharged, 0);
                sums.add(OVERCHARGED + i, -sign * resident);
            } else {
                sums.add(UNACCOUNTED + i, sign * (resident - objectCharged.get(0)));
            }
        }
        contributeStatus(object, sign);
    }

    /** Before the driver's figures of an object change, which nothing but them depends on. */
    public void retractStatus(AccountedObject object) {
        contributeStatus(object, -1);
    }

    public void addStatus(AccountedObject object) {
        contributeStatus(object, 1);
    }

    private void contributeStatus(AccountedObject object, int sign) {
        for (StatusFigure figure : FIGURES) {
            long bytes = object.statusBytes(figure);
            if (bytes != 0) {
                status.add(figure.ordinal(), sign * bytes);
                for (int i = 0; i < object.holderCount(); i++) {
                    object.holderCharges(i).add(figure, sign * bytes);
                }
            }
        }
    }

    /** The device's own count of what it uses in a region ({@code DeviceMemory}), which replaces the last. */
    public void deviceUsed(int minor, String name, long usedBytes) {
        region(minor, name).deviceUsed(usedBytes);
    }

    /** Σ of {@code figure} over live objects. */
    public long statusBytes(StatusFigure figure) {
        return status.get(figure.ordinal());
    }

    /** Σ over the regions whose device reports its own use of what it counts as used. */
    public long deviceUsedBytes() {
        return regions.stream().mapToLong(RegionUsage::deviceUsedBytes).reduce(0, ExactSums::saturatedAdd);
    }

    /** Σ over those regions of the device's use that no object accounts for ({@link RegionUsage#unattributedBytes}). */
    public long unattributedDeviceBytes() {
        return regions.stream().mapToLong(RegionUsage::unattributedBytes).reduce(0, ExactSums::saturatedAdd);
    }

    /** Regions by device minor, then name. */
    public Collection<RegionUsage> regions() {
        return Collections.unmodifiableList(regions);
    }

    /** Σ over processes of what {@code policy} charges them. */
    public long charged(Policy policy) {
        return sums.get(CHARGED + policy.ordinal());
    }

    /** Σ over live objects of the resident bytes {@code policy} charges to no one. */
    public long unaccounted(Policy policy) {
        return sums.get(UNACCOUNTED + policy.ordinal());
    }

    /** Σ over live objects of the bytes {@code policy} charges beyond what is resident. */
    public long overcharged(Policy policy) {
        return sums.get(OVERCHARGED + policy.ordinal());
    }

    public long objects() {
        return objects;
    }

    public long gemBytes() {
        return sums.get(GEM_BYTES);
    }

    public long residentBytes() {
        return sums.get(RESIDENT_BYTES);
    }

    /** Resident bytes of live objects whose creator's mm is dead: memory the RFC charges to no one. */
    public long orphanedBytes() {
        return sums.get(ORPHANED_BYTES);
    }
}
