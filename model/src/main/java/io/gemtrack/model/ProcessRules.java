package io.gemtrack.model;

import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody;
import java.util.List;

/** The rules for tasks and thread groups: their lives, their mm and what they report of it (SEMANTICS.md §1, §7). */
final class ProcessRules {

    private ProcessRules() {
    }

    static void fork(HostState state, ProcessFork fork) {
        state.requireNewTask(fork.pid());
        if (fork.thread()) {
            Process group = state.process(fork.parentPid());
            state.addThread(group, fork.pid());
            return;
        }
        Process parent = state.tasks.get(fork.parentPid());
        String cgroup = !fork.cgroup().equals(EventBody.PARENT_CGROUP) ? fork.cgroup()
                : parent != null ? parent.cgroup() : EventBody.ROOT_CGROUP;
        Process child = state.addProcess(fork.pid(), fork.parentPid(), fork.comm(), parent == null ? 0 : parent.oomScoreAdj(),
                Process.zeroCounters(fork.pid()), cgroup);
        if (parent != null) {
            parent.fds().forEach((fd, target) -> state.installFd(child, fd, target));
            parent.mm().forEachMapping((object, count) -> state.map(child, object, count));
        }
    }

    /**
     * De_thread: every task but the leader goes, even when a thread exec'ed (the kernel gives it the leader's
     * pid). The fd table stays; the old mm dies with its mappings.
     */
    static void exec(HostState state, ProcessExec exec) {
        Process process = state.process(exec.pid());
        state.endMm(process);
        state.removeThreads(process);
        process.startProgram(exec.comm());
    }

    static void exit(HostState state, ProcessExit exit) {
        Process process = state.process(exit.pid());
        if (exit.pid() != process.pid()) {
            state.removeThread(process, exit.pid());
            return;
        }
        for (Integer fd : List.copyOf(process.fds().keySet())) {
            state.uninstallFd(process, fd);
        }
        state.endMm(process);
        state.removeProcess(process);
    }

    /** A write to {@code cgroup.procs}: the whole group moves, whichever of its tasks was named. */
    static void migrate(HostState state, ProcessMigrate migrate) {
        state.migrate(state.process(migrate.pid()), migrate.cgroup());
    }

    static void oomScoreAdj(HostState state, OomScoreAdj adj) {
        state.process(adj.pid()).adjustOomScore(adj.oomScoreAdj());
    }

    /** The counter cross-check of SEMANTICS.md §7. */
    static void mmCounters(HostState state, MmCounters sample) {
        if (state.process(sample.pid()).sampleCounters(sample)) {
            state.reportCounterMismatch();
        }
    }

    /** A record of the kernel's choice; the exit and releases it causes come as their own events. */
    static void oomKill(HostState state, OomKill kill) {
        state.process(kill.pid());
    }
}
