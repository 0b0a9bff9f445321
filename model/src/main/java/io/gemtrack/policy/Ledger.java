package io.gemtrack.policy;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The accounting of one host, kept incrementally: the model {@link #add adds} an object's contribution when
 * it appears and {@link #retract retracts} it before anything the policies look at changes (resident bytes,
 * holders, the creator's mm), adding it back afterwards. So an event costs the objects it touches times
 * their holders, never a pass over the host.
 */
public final class Ledger {

    private record RegionKey(int minor, String name) {
    }

    private static final Comparator<RegionKey> REGION_ORDER =
            Comparator.comparingInt(RegionKey::minor).thenComparing(RegionKey::name);

    /** In ordinal order, so a policy's index here is its index in the arrays below. */
    private static final Policy[] POLICIES = Policy.values();
    private static final StatusFigure[] FIGURES = StatusFigure.values();

    /** Found by hash on every GemCreate; {@link #orderedRegions} keeps the same ones in order for the readers. */
    private final Map<RegionKey, RegionUsage> regions = new HashMap<>();
    private final Map<RegionKey, RegionUsage> orderedRegions = new TreeMap<>(REGION_ORDER);
    private final long[] charged = new long[POLICIES.length];
    private final long[] unaccounted = new long[POLICIES.length];
    private final long[] overcharged = new long[POLICIES.length];
    private long objects;
    private long gemBytes;
    private long residentBytes;
    private long orphanedBytes;
    private final long[] status = new long[FIGURES.length];

    /** The usage of a region, created empty when a device declares it or an object first uses it. */
    public RegionUsage region(int minor, String name) {
        RegionKey key = new RegionKey(minor, name);
        RegionUsage usage = regions.get(key);
        if (usage == null) {
            usage = new RegionUsage(minor, name);
            regions.put(key, usage);
            orderedRegions.put(key, usage);
        }
        return usage;
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
        gemBytes += sign * size;
        residentBytes += sign * resident;
        if (object.creatorCharges() == null) {
            orphanedBytes += sign * resident;
        }
        // Twice per event: an array and indices rather than the list's iterator, as the profile asked.
        for (int i = 0; i < POLICIES.length; i++) {
            long chargedForObject = POLICIES[i].charge(object, sign);
            charged[i] += sign * chargedForObject;
            unaccounted[i] += sign * Math.max(0, resident - chargedForObject);
            overcharged[i] += sign * Math.max(0, chargedForObject - resident);
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
                status[figure.ordinal()] += sign * bytes;
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
        return status[figure.ordinal()];
    }

    /** Σ over the regions whose device reports its own use of what it counts as used. */
    public long deviceUsedBytes() {
        return orderedRegions.values().stream().mapToLong(RegionUsage::deviceUsedBytes).sum();
    }

    /** Σ over those regions of the device's use that no object accounts for ({@link RegionUsage#unattributedBytes}). */
    public long unattributedDeviceBytes() {
        return orderedRegions.values().stream().mapToLong(RegionUsage::unattributedBytes).sum();
    }

    /** Regions by device minor, then name. */
    public Collection<RegionUsage> regions() {
        return Collections.unmodifiableCollection(orderedRegions.values());
    }

    /** Σ over processes of what {@code policy} charges them. */
    public long charged(Policy policy) {
        return charged[policy.ordinal()];
    }

    /** Σ over live objects of the resident bytes {@code policy} charges to no one. */
    public long unaccounted(Policy policy) {
        return unaccounted[policy.ordinal()];
    }

    /** Σ over live objects of the bytes {@code policy} charges beyond what is resident. */
    public long overcharged(Policy policy) {
        return overcharged[policy.ordinal()];
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

    /** Resident bytes of live objects whose creator's mm is dead: memory the RFC charges to no one. */
    public long orphanedBytes() {
        return orphanedBytes;
    }
}
