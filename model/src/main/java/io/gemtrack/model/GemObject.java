package io.gemtrack.model;

import io.gemtrack.policy.AccountedObject;
import io.gemtrack.policy.Charges;
import io.gemtrack.policy.RegionUsage;
import java.util.Arrays;
import java.util.List;

/**
 * A live GEM object. Kept small because a host has a million of them: its references are counts, and its
 * holders, with per holder the number of references that make it one (fd × handle pairs, dma-buf fds,
 * mappings), so a holder leaves exactly when its last reference goes.
 *
 * <p>Most objects have one holder, so the holders field is a union: {@code null} for none, the
 * {@link Process} itself for one (its references in {@link #soleReferences}), or a pid-sorted
 * {@link SeveralHolders} for two or more. One holder then costs nothing beyond the object's 64 bytes, where
 * a pair of arrays for it cost 48 more.
 */
public final class GemObject implements AccountedObject {

    private final long id;
    private final RegionUsage region;
    private final long sizeBytes;
    private final Mm creatorMm;
    private long residentBytes;
    private int handles;
    private int dmaBufs;
    private int mappings;
    /** {@code null}, a {@link Process} or {@link SeveralHolders}: see the class comment. */
    private Object holders;
    private int soleReferences;

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

    /** Pages became resident ({@code delta > 0}) or stopped being so; the caller keeps it within the size. */
    void changeResident(long delta) {
        residentBytes += delta;
    }

    void handleAdded() {
        handles++;
    }

    void handleDeleted() {
        handles--;
    }

    void dmaBufAdded() {
        dmaBufs++;
    }

    void dmaBufReleased() {
        dmaBufs--;
    }

    void mapped(int count) {
        mappings += count;
    }

    void unmapped(int count) {
        mappings -= count;
    }

    /** Adds references of an existing holder; {@code false} when {@code process} is not a holder yet. */
    boolean addReferences(Process process, int count) {
        if (holders == process) {
            soleReferences += count;
            return true;
        }
        return holders instanceof SeveralHolders several && several.addReferences(process, count);
    }

    /** Drops references of a holder; {@code false} when they were its last, so it must be {@link #removeHolder removed}. */
    boolean dropReferences(Process process, int count) {
        if (holders == process) {
            if (soleReferences == count) {
                return false;
            }
            soleReferences -= count;
            return true;
        }
        return ((SeveralHolders) holders).dropReferences(process, count);
    }

    void addHolder(Process process, int count) {
        if (holders == null) {
            holders = process;
            soleReferences = count;
        } else if (holders instanceof Process sole) {
            holders = new SeveralHolders(sole, soleReferences, process, count);
            soleReferences = 0;
        } else {
            ((SeveralHolders) holders).add(process, count);
        }
    }

    void removeHolder(Process process) {
        if (holders == process) {
            holders = null;
            soleReferences = 0;
            return;
        }
        SeveralHolders several = (SeveralHolders) holders;
        several.remove(process);
        if (several.count == 1) {
            holders = several.processes[0];
            soleReferences = several.references[0];
        }
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

    /** The mm that created the object, alive or dead. */
    Mm creatorMm() {
        return creatorMm;
    }

    /** The pid whose mm created the object (which may since have exec'ed or exited). */
    public int creatorPid() {
        return creatorMm.ownerPid();
    }

    public boolean creatorMmAlive() {
        return creatorMm.alive();
    }

    /** The process charged as creator: the one whose current mm created the object, if that mm still lives. */
    public Process creator() {
        return creatorMm.alive() ? creatorMm.owner() : null;
    }

    @Override
    public Charges creatorCharges() {
        return creatorMm.alive() ? creatorMm.owner().charges() : null;
    }

    @Override
    public int holderCount() {
        if (holders == null) {
            return 0;
        }
        return holders instanceof SeveralHolders several ? several.count : 1;
    }

    @Override
    public Charges holderCharges(int index) {
        return holders instanceof SeveralHolders several ? several.processes[index].charges() : ((Process) holders).charges();
    }

    /** The holders in ascending pid order. */
    public List<Process> holders() {
        if (holders == null) {
            return List.of();
        }
        if (holders instanceof SeveralHolders several) {
            return List.of(Arrays.copyOf(several.processes, several.count));
        }
        return List.of((Process) holders);
    }

    public boolean isHeldBy(Process process) {
        return referencesBy(process) > 0;
    }

    /** How many references (fd × handle pairs, dma-buf fds, mappings) make {@code process} a holder; 0 if none. */
    public int referencesBy(Process process) {
        if (holders == process) {
            return soleReferences;
        }
        return holders instanceof SeveralHolders several ? several.referencesBy(process) : 0;
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

    /** Two or more holders in ascending pid order, each with its references; grown by doubling, never below two. */
    private static final class SeveralHolders {

        Process[] processes;
        int[] references;
        int count;

        SeveralHolders(Process first, int firstReferences, Process second, int secondReferences) {
            boolean inOrder = first.pid() < second.pid();
            processes = inOrder ? new Process[] {first, second} : new Process[] {second, first};
            references = inOrder ? new int[] {firstReferences, secondReferences} : new int[] {secondReferences, firstReferences};
            count = 2;
        }

        boolean addReferences(Process process, int added) {
            int index = indexOf(process);
            if (index < 0) {
                return false;
            }
            references[index] += added;
            return true;
        }

        boolean dropReferences(Process process, int dropped) {
            int index = indexOf(process);
            if (references[index] == dropped) {
                return false;
            }
            references[index] -= dropped;
            return true;
        }

        int referencesBy(Process process) {
            int index = indexOf(process);
            return index < 0 ? 0 : references[index];
        }

        void add(Process process, int added) {
            int at = -indexOf(process) - 1;
            if (count == processes.length) {
                processes = Arrays.copyOf(processes, count * 2);
                references = Arrays.copyOf(references, count * 2);
            }
            System.arraycopy(processes, at, processes, at + 1, count - at);
            System.arraycopy(references, at, references, at + 1, count - at);
            processes[at] = process;
            references[at] = added;
            count++;
        }

        void remove(Process process) {
            int at = indexOf(process);
            System.arraycopy(processes, at + 1, processes, at, count - at - 1);
            System.arraycopy(references, at + 1, references, at, count - at - 1);
            count--;
            processes[count] = null;
        }

        /** Binary search by pid: the index of {@code process}, or {@code -(insertion point) - 1}. */
        private int indexOf(Process process) {
            int low = 0;
            int high = count - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                int pid = processes[middle].pid();
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
    }
}
