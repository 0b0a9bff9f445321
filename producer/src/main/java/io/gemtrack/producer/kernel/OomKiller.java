package io.gemtrack.producer.kernel;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.producer.truth.HostFacts;
import io.gemtrack.producer.truth.ObjectTruth;
import java.util.List;
import java.util.OptionalInt;

/**
 * The kernel's OOM killer ({@code mm/oom_kill.c}) over an emulated host. The host is out of memory when what cannot
 * be dropped exceeds RAM and swap: the anonymous, swapped and page-table bytes of every process's last sample and
 * the resident bytes of buffers in system memory (every region but VRAM; file and shmem pages are cache). The victim
 * is the process with the most points by {@code oom_badness}: its rss, swap entries and page tables in pages (on a
 * kernel with the RFC, its {@code MM_DRIVERPAGES} too), plus {@code oom_score_adj} times a thousandth of
 * {@code totalpages}; a process with {@code oom_score_adj} -1000 is never one. {@code select_bad_process} walks
 * the processes in creation order and takes one with as many points as the chosen one, so a tie goes to the
 * youngest: the highest pid, as pids are not reused.
 */
final class OomKiller {

    /** {@code OOM_SCORE_ADJ_MIN}: never killed. */
    private static final int OOM_SCORE_ADJ_MIN = -1000;

    /** Kills the victim: told its points and the bytes its kill frees, which it must report and free. */
    interface Kill {
        void kill(TaskGroup victim, long points, long freedBytes);
    }

    private OomKiller() {
    }

    /** Kills one process if the host is out of memory and one can be killed; returns its service. */
    static OptionalInt killIfOutOfMemory(KernelState state, boolean driverPagesInBadness, Kill kill) {
        if (state.memory == null) {
            return OptionalInt.empty();
        }
        long limitBytes = state.memory.memTotalBytes() + state.memory.swapTotalBytes();
        if (committedBytes(state) <= limitBytes) {
            return OptionalInt.empty();
        }
        long totalPages = limitBytes / EventBody.PAGE_SIZE;
        TaskGroup chosen = null;
        long chosenPoints = Long.MIN_VALUE;
        for (TaskGroup group : state.processes.values()) {
            if (group.oomScoreAdj == OOM_SCORE_ADJ_MIN) {
                continue;
            }
            long points = badness(group, driverPagesInBadness, totalPages);
            if (points >= chosenPoints) {
                chosen = group;
                chosenPoints = points;
            }
        }
        if (chosen == null) {
            // "Out of memory and no killable processes": a real kernel panics; the emulated one lets the allocation stand.
            return OptionalInt.empty();
        }
        kill.kill(chosen, chosenPoints, freedByKill(state, chosen));
        return OptionalInt.of(chosen.service);
    }

    /** What the host cannot drop under pressure: anonymous memory, swap and page tables, and buffers pinned in RAM. */
    static long committedBytes(KernelState state) {
        long bytes = 0;
        for (TaskGroup group : state.processes.values()) {
            MmCounters sample = group.mm.sample;
            bytes += sample.anonBytes() + sample.swapBytes() + sample.pageTableBytes();
        }
        for (DrmDevice device : state.devices.values()) {
            for (DrmDevice.MemoryRegion region : device.regions.values()) {
                if (region.systemMemory()) {
                    bytes += region.residentBytes;
                }
            }
        }
        return bytes;
    }

    /** {@code oom_badness}: pages the process holds, moved by {@code oom_score_adj} in thousandths of all memory. */
    private static long badness(TaskGroup group, boolean driverPagesInBadness, long totalPages) {
        MmCounters sample = group.mm.sample;
        long pages = (sample.fileBytes() + sample.anonBytes() + sample.shmemBytes()) / EventBody.PAGE_SIZE
                + sample.swapBytes() / EventBody.PAGE_SIZE + sample.pageTableBytes() / EventBody.PAGE_SIZE;
        if (driverPagesInBadness) {
            pages += group.mm.driverPages;
        }
        return pages + group.oomScoreAdj * (totalPages / 1000);
    }

    /**
     * What the exit of {@code victim} returns: its anonymous, swapped and page-table memory, and every buffer no other
     * process holds, which its exit releases (file pages stay cached).
     */
    private static long freedByKill(KernelState state, TaskGroup victim) {
        HostFacts facts = HostReports.facts(state);
        MmCounters sample = victim.mm.sample;
        long bytes = sample.anonBytes() + sample.swapBytes() + sample.pageTableBytes();
        for (ObjectTruth object : facts.objects()) {
            if (object.holders().equals(List.of(victim.pid))) {
                bytes += object.residentBytes();
            }
        }
        return bytes;
    }
}
