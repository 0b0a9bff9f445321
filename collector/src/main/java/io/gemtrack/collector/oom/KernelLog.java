package io.gemtrack.collector.oom;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OOM killer's line in the kernel log, as {@code /dev/kmsg} gives it: a record {@code PRIORITY,SEQ,USEC,FLAGS;}
 * then the message, which {@code __oom_kill_process} writes as
 * {@code Out of memory: Killed process PID (COMM) total-vm:NkB, anon-rss:NkB, file-rss:NkB, shmem-rss:NkB, UID:N
 * pgtables:NkB oom_score_adj:N} (a memory cgroup's kill starts {@code Memory cgroup out of memory:}; kernels before
 * 5.1 had no {@code pgtables} field, and before 4.6 no {@code shmem-rss}).
 */
public final class KernelLog {

    private static final Pattern KILLED = Pattern.compile(
            "out of memory(?: \\(oom_kill_allocating_task\\))?: Killed process (\\d+) \\((.*)\\) total-vm:\\d+kB, anon-rss:(\\d+)kB,"
                    + ".*?(?:pgtables:(\\d+)kB)?(?: oom_score_adj:(-?\\d+))?$", Pattern.CASE_INSENSITIVE);
    private static final long KIB = 1024;

    /** What the kernel logged of one kill; {@code pageTableBytes} 0 where its kernel does not log them. */
    public record Kill(int pid, String comm, long anonBytes, long pageTableBytes) {
    }

    private KernelLog() {
    }

    /** The kill a {@code /dev/kmsg} record reports, if it reports one. */
    public static Optional<Kill> kill(String record) {
        int header = record.indexOf(';');
        String message = (header >= 0 ? record.substring(header + 1) : record).strip();
        Matcher matcher = KILLED.matcher(message);
        if (!matcher.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Kill(Integer.parseInt(matcher.group(1)), matcher.group(2),
                    Long.parseLong(matcher.group(3)) * KIB, matcher.group(4) == null ? 0 : Long.parseLong(matcher.group(4)) * KIB));
        } catch (NumberFormatException e) {
            // A pid or size beyond what a kernel writes: not a line of the OOM killer.
            return Optional.empty();
        }
    }
}
