package io.gemtrack.collector.oom;

import io.gemtrack.collector.procfs.MmSample;
import io.gemtrack.collector.procfs.ProcessSample;
import io.gemtrack.events.EventBody;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which of the processes that vanished between two samples the OOM killer killed. The kernel log, where it can be
 * read, names them; otherwise {@code /proc/vmstat}'s {@code oom_kill} counter says how many kills there were, and
 * they are taken to be the vanished processes the kernel itself would have chosen: those with the most points by
 * {@code oom_badness} from their last sample. A process killed before any sample saw it, or one of several that
 * vanished when the log is unreadable and the counter moved, cannot be told for sure; the first is not reported.
 */
public final class OomKillDetector {

    /** {@code OOM_SCORE_ADJ_MIN}: never killed. */
    private static final int OOM_SCORE_ADJ_MIN = -1000;

    private OptionalLong lastCount = OptionalLong.empty();

    /** A killed process, by its kernel pid, with the points and the pages its kill freed as its last sample tells. */
    public record Victim(int kernelPid, long points, long freedPages) {
    }

    /**
     * The kills between the previous sample and this one.
     *
     * @param oomKillCount the {@code oom_kill} counter of {@code /proc/vmstat} now, empty where it cannot be read
     * @param logged       the kills the kernel log reported since the previous sample (empty where it cannot be read)
     * @param previous     the previous sample's processes by kernel pid
     * @param current      the kernel pids of this sample
     * @param totalPages   RAM plus swap in pages, as the kernel's {@code totalpages}
     */
    public List<Victim> victims(OptionalLong oomKillCount, List<KernelLog.Kill> logged, Map<Integer, ProcessSample> previous,
                                Set<Integer> current, long totalPages) {
        long counted = oomKillCount.isPresent() && lastCount.isPresent() ? oomKillCount.getAsLong() - lastCount.getAsLong() : 0;
        if (oomKillCount.isPresent()) {
            lastCount = oomKillCount;
        }
        Map<Integer, ProcessSample> vanished = new LinkedHashMap<>();
        previous.forEach((pid, process) -> {
            if (!current.contains(pid)) {
                vanished.put(pid, process);
            }
        });
        List<Victim> victims = new ArrayList<>();
        if (!logged.isEmpty()) {
            for (KernelLog.Kill kill : logged) {
                ProcessSample process = vanished.remove(kill.pid());
                if (process != null) {
                    victims.add(victim(process, totalPages));
                }
            }
            return victims;
        }
        vanished.values().stream().filter(process -> process.oomScoreAdj() != OOM_SCORE_ADJ_MIN)
                .map(process -> victim(process, totalPages))
                .sorted(Comparator.comparingLong(Victim::points).reversed().thenComparing(Comparator.comparingInt(Victim::kernelPid).reversed()))
                .limit(Math.max(0, counted))
                .forEach(victims::add);
        return victims;
    }

    private static Victim victim(ProcessSample process, long totalPages) {
        MmSample memory = process.memory();
        long page = EventBody.PAGE_SIZE;
        long points = (memory.fileBytes() + memory.anonBytes() + memory.shmemBytes()) / page + memory.swapBytes() / page
                + memory.pageTableBytes() / page + process.oomScoreAdj() * (totalPages / 1000);
        long freedPages = (memory.anonBytes() + memory.swapBytes() + memory.pageTableBytes()) / page;
        return new Victim(process.pid(), points, freedPages);
    }
}
