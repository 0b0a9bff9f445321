package io.gemtrack.model;

import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody;
import io.gemtrack.policy.Charges;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.StatusFigure;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A thread group, named by its leader's pid: what every per-process figure is about. */
public final class Process {

    private final int pid;
    private final int parentPid;
    private String comm;
    /** The pids of the group's other threads. */
    private final Set<Integer> threads = new TreeSet<>();
    private int oomScoreAdj;
    private Mm mm;
    private MmCounters counters;
    private final Map<Integer, FdTarget> fds = new TreeMap<>();
    private final Charges charges = new Charges();
    private boolean counterMismatch;
    /** The cgroup v2 path the group is in. */
    private String cgroup;

    Process(int pid, int parentPid, String comm, int oomScoreAdj, MmCounters counters, String cgroup) {
        this.pid = pid;
        this.parentPid = parentPid;
        this.comm = comm;
        this.oomScoreAdj = oomScoreAdj;
        this.mm = Mm.alive(this);
        this.counters = counters;
        this.cgroup = cgroup;
    }

    /** A new mm's counters before its first sample. */
    static MmCounters zeroCounters(int pid) {
        return new MmCounters(pid, 0, 0, 0, 0, 0, 0);
    }

    /** Exec: a new program with a fresh mm, whose counters start at zero. The caller ends the old mm first. */
    void startProgram(String comm) {
        this.comm = comm;
        mm = Mm.alive(this);
        counters = zeroCounters(pid);
    }

    void addThread(int thread) {
        threads.add(thread);
    }

    void removeThread(int thread) {
        threads.remove(thread);
    }

    void clearThreads() {
        threads.clear();
    }

    /** The group moved to another cgroup, all its threads with it. */
    void migrate(String cgroup) {
        this.cgroup = cgroup;
    }

    void adjustOomScore(int oomScoreAdj) {
        this.oomScoreAdj = oomScoreAdj;
    }

    /**
     * A counters sample of the current mm, cross-checked against the {@code rfc} charge (SEMANTICS.md §7).
     *
     * @return whether the sample disagrees with the charge
     */
    boolean sampleCounters(MmCounters sample) {
        counters = sample;
        counterMismatch = sample.driverPages() * EventBody.PAGE_SIZE != charges.get(Policy.rfc);
        return counterMismatch;
    }

    /** Restores the verdict of a sample cross-checked before a checkpoint was taken. */
    void markCounterMismatch() {
        counterMismatch = true;
    }

    boolean hasFd(int fd) {
        return fds.containsKey(fd);
    }

    void addFd(int fd, FdTarget target) {
        fds.put(fd, target);
    }

    FdTarget removeFd(int fd) {
        return fds.remove(fd);
    }

    /** The fd table in fd order, for reading. */
    Map<Integer, FdTarget> fds() {
        return Collections.unmodifiableMap(fds);
    }

    Mm mm() {
        return mm;
    }

    Charges charges() {
        return charges;
    }

    public int pid() {
        return pid;
    }

    public int parentPid() {
        return parentPid;
    }

    public String comm() {
        return comm;
    }

    public Set<Integer> threads() {
        return Collections.unmodifiableSet(threads);
    }

    public int oomScoreAdj() {
        return oomScoreAdj;
    }

    /** The latest mm counters sample of the current mm (zeros before the first). */
    public MmCounters counters() {
        return counters;
    }

    /** The cgroup v2 path the group is in: {@code /} on a host that reports none. */
    public String cgroup() {
        return cgroup;
    }

    public long charged(Policy policy) {
        return charges.get(policy);
    }

    /** Σ of the driver's {@code figure} over the objects the process holds (SEMANTICS.md §5). */
    public long status(StatusFigure figure) {
        return charges.get(figure);
    }

    /** The last counters sample disagreed with what the {@code rfc} policy charges (SEMANTICS.md §7). */
    public boolean counterMismatch() {
        return counterMismatch;
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + comm + ")";
    }
}
