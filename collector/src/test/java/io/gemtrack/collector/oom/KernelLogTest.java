package io.gemtrack.collector.oom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The OOM killer's kmsg records, in the formats the kernels since 4.6 write them. */
class KernelLogTest {

    @Test
    void aKillOfTodaysKernelNamesThePidCommAnonymousMemoryAndPageTables() {
        assertThat(KernelLog.kill("3,8412,2764019318,-;Out of memory: Killed process 4242 (leaky-app) total-vm:9000004kB,"
                + " anon-rss:8000000kB, file-rss:1024kB, shmem-rss:0kB, UID:1000 pgtables:16000kB oom_score_adj:0"))
                .contains(new KernelLog.Kill(4242, "leaky-app", 8_000_000L * 1024, 16_000L * 1024));
    }

    @Test
    void aMemoryCgroupsKillAndAnAllocatingTasksKillAreKillsToo() {
        assertThat(KernelLog.kill("3,912,51234567,-;Memory cgroup out of memory: Killed process 77 (stress) total-vm:1052672kB,"
                + " anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:2088kB oom_score_adj:0"))
                .contains(new KernelLog.Kill(77, "stress", 1_048_576L * 1024, 2_088L * 1024));
        assertThat(KernelLog.kill("3,913,51234568,-;Out of memory (oom_kill_allocating_task): Killed process 78 (dd)"
                + " total-vm:4096kB, anon-rss:2048kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:44kB oom_score_adj:0"))
                .contains(new KernelLog.Kill(78, "dd", 2_048L * 1024, 44L * 1024));
    }

    @Test
    void aKernelBefore51LogsNoPageTablesAndACommMayHoldSpacesAndParentheses() {
        assertThat(KernelLog.kill("3,900,5000,-;Out of memory: Killed process 1234 (Web Content) total-vm:4000000kB,"
                + " anon-rss:3000000kB, file-rss:0kB, shmem-rss:0kB"))
                .contains(new KernelLog.Kill(1234, "Web Content", 3_000_000L * 1024, 0));
        assertThat(KernelLog.kill("3,901,5001,-;Out of memory: Killed process 99 (a) b) total-vm:1kB, anon-rss:4kB,"
                + " file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:-17"))
                .contains(new KernelLog.Kill(99, "a) b", 4L * 1024, 4L * 1024));
    }

    @Test
    void theKillersOtherLinesAreNoKills() {
        assertThat(KernelLog.kill("4,8400,2764019200,-;leaky-app invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|"
                + "__GFP_COMP), order=0, oom_score_adj=0")).isEmpty();
        assertThat(KernelLog.kill("6,8413,2764019400,-;oom_reaper: reaped process 4242 (leaky-app), now anon-rss:0kB,"
                + " file-rss:0kB, shmem-rss:0kB")).isEmpty();
        assertThat(KernelLog.kill("6,8414,2764019401,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
                + "mems_allowed=0,global_oom,task_memcg=/user.slice,task=leaky-app,pid=4242,uid=1000")).isEmpty();
        assertThat(KernelLog.kill("3,1,2,-;Out of memory: Killed process 99999999999 (x) total-vm:1kB, anon-rss:4kB,")).isEmpty();
    }
}
