package io.gemtrack.model;

import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.policy.Charges;
import io.gemtrack.policy.Policy;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A thread group, named by its leader's pid: what every per-process figure is about. */
public final class Process {

    private final int pid;
    private final int parentPid;
    String comm;
    /** The pids of the group's other threads. */
    final Set<Integer> threads = new TreeSet<>();
    int oomScoreAdj;
    Mm mm;
    MmCounters counters;
    final Map<Integer, FdTarget> fds = new TreeMap<>();
    final Charges charges = new Charges();
    boolean counterMismatch;

    Process(int pid, int parentPid, String comm, int oomScoreAdj) {
        this.pid = pid;
        this.parentPid = parentPid;
        this.comm = comm;
        this.oomScoreAdj = oomScoreAdj;
        this.mm = Mm.alive(this);
        this.counters = zeroCounters(pid);
    }

    /** A new mm's counters before its first sample. */
    static MmCounters zeroCounters(int pid) {
        return new MmCounters(pid, 0, 0, 0, 0, 0, 0);
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

    public long charged(Policy policy) {
        return charges.get(policy);
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
