package io.gemtrack.producer.kernel;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A process: a thread group named by its leader's pid, with one mm, one fd table and one {@code oom_score_adj}. */
final class TaskGroup {

    /** fds 0-2 are stdio, which the model leaves out. */
    private static final int FIRST_FD = 3;

    final int pid;
    final int parentPid;
    String comm;
    final Set<Integer> threads = new TreeSet<>();
    int oomScoreAdj;
    Mm mm;
    final Map<Integer, FdTarget> fds = new TreeMap<>();
    /** The cgroup v2 path the group is in. */
    String cgroup;
    /** The service (a systemd unit, a workload) the process runs in; a fork stays in its parent's. */
    final int service;

    TaskGroup(int pid, int parentPid, String comm, int oomScoreAdj, String cgroup, int service) {
        this.pid = pid;
        this.parentPid = parentPid;
        this.comm = comm;
        this.oomScoreAdj = oomScoreAdj;
        this.service = service;
        this.mm = new Mm(this);
        this.cgroup = cgroup;
    }

    /** The lowest free fd, as the kernel allocates them. */
    int lowestFreeFd() {
        int fd = FIRST_FD;
        while (fds.containsKey(fd)) {
            fd++;
        }
        return fd;
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + comm + ")";
    }
}
