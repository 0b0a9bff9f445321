package io.gemtrack.aggregator.model;

import io.gemtrack.aggregator.policy.AccountedObject;
import io.gemtrack.aggregator.policy.Charges;
import io.gemtrack.aggregator.policy.RegionUsage;
import java.util.Arrays;
import java.util.List;

/**
 * A live GEM object. Kept small because a host has many: its references are counts, and its holders are a
 * pid-sorted array with, per holder, the number of references that make it one (fd × handle pairs, dma-buf
 * fds, mappings), so a holder leaves exactly when its last reference goes.
 */
public final class GemObject implements AccountedObject {

    private static final Process[] NO_HOLDERS = {};
    private static final int[] NO_REFERENCES = {};

    private final long id;
    private final RegionUsage region;
    private final long sizeBytes;
    final Mm creatorMm;
    long residentBytes;
    int handles;
    int dmaBufs;
    int mappings;
    private Process[] holders = NO_HOLDERS;
    private int[] references = NO_REFERENCES;
    private int holderCount;

    GemObject(long id, RegionUsage region, long sizeBytes, Mm creatorMm, long residentBytes) {
        this.id = id;
        this.region = region;
        this.sizeBytes = sizeBytes;
        this.creatorMm = creatorMm;
        this.residentBytes = residentBytes;
    }

    /** CMA memory is allocated up front, so a CMA object is resident in full for its whole life. */
    static boolean isCma(String region) {
        return region.equals("cma");
    }

    boolean isCma() {
        return isCma(region.name());
    }

    boolean referenced() {
        return handles > 0 || dmaBufs > 0 || mappings > 0;
    }

    /** Adds references of an existing holder; {@code false} when {@code process} is not a holder yet. */
    boolean addReferences(Process process, int count) {
        int index = indexOf(process);
        if (index < 0) {
            return false;
        }
        references[index] += count;
        return true;
    }

    /** Drops references of a holder; {@code false} when they were its last, so it must be {@link #removeHolder removed}. */
    boolean dropReferences(Process process, int count) {
        int index = indexOf(process);
        if (references[index] == count) {
            return false;
        }
        references[index] -= count;
        return true;
    }

    void addHolder(Process process, int count) {
        int at = -indexOf(process) - 1;
        if (holderCount == holders.length) {
            int capacity = Math.max(2, holderCount * 2);
            holders = Arrays.copyOf(holders, capacity);
            references = Arrays.copyOf(references, capacity);
        }
        System.arraycopy(holders, at, holders, at + 1, holderCount - at);
        System.arraycopy(references, at, references, at + 1, holderCount - at);
        holders[at] = process;
        references[at] = count;
        holderCount++;
    }

    void removeHolder(Process process) {
        int at = indexOf(process);
        System.arraycopy(holders, at + 1, holders, at, holderCount - at - 1);
        System.arraycopy(references, at + 1, references, at, holderCount - at - 1);
        holderCount--;
        holders[holderCount] = null;
    }

    /** Binary search by pid: the index of {@code process}, or {@code -(insertion point) - 1}. */
    private int indexOf(Process process) {
        int low = 0;
        int high = holderCount - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int pid = holders[middle].pid();
            if (pid < process.pid()) {
                low = middle + 1;
            } else if (pid > process.pid()) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -low - 1;
    }

    public long id() {
        return id;
    }

    public int minor() {
        return region.minor();
    }

    public String regionName() {
        return region.name();
    }

    @Override
    public RegionUsage region() {
        return region;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public long residentBytes() {
        return residentBytes;
    }

    /** The pid whose mm created the object (which may since have exec'ed or exited). */
    public int creatorPid() {
        return creatorMm.ownerPid;
    }

    public boolean creatorMmAlive() {
        return creatorMm.alive;
    }

    /** The process charged as creator: the one whose current mm created the object, if that mm still lives. */
    public Process creator() {
        return creatorMm.alive ? creatorMm.owner : null;
    }

    @Override
    public Charges creatorCharges() {
        return creatorMm.alive ? creatorMm.owner.charges : null;
    }

    @Override
    public int holderCount() {
        return holderCount;
    }

    @Override
    public Charges holderCharges(int index) {
        return holders[index].charges;
    }

    /** The holders in ascending pid order. */
    public List<Process> holders() {
        return List.of(Arrays.copyOf(holders, holderCount));
    }

    public boolean isHeldBy(Process process) {
        return indexOf(process) >= 0;
    }

    /** How many references (fd × handle pairs, dma-buf fds, mappings) make {@code process} a holder; 0 if none. */
    public int referencesBy(Process process) {
        int index = indexOf(process);
        return index < 0 ? 0 : references[index];
    }

    public int handles() {
        return handles;
    }

    public int dmaBufs() {
        return dmaBufs;
    }

    public int mappings() {
        return mappings;
    }

    @Override
    public String toString() {
        return "object " + id;
    }
}
