package io.gemtrack.collector.oom;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.collector.Collector;
import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.testkit.ProcTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real host's OOM kills as the collector sees them: a process that vanished while {@code /proc/vmstat}'s
 * {@code oom_kill} grew, or one the kernel log names, gets an {@code OomKill} right before its exit.
 */
class OomKillCollectionTest {

    private static final long PAGE = EventBody.PAGE_SIZE;

    @TempDir
    Path root;

    private final List<KernelLog.Kill> logged = new ArrayList<>();
    private ProcTree tree;
    private Collector collector;

    /** A 4 GiB host without swap: a browser with 2 GiB anonymous memory, an editor with 256 MiB. */
    private void boot() throws IOException {
        tree = new ProcTree(root);
        tree.memory(4L << 20, 0);
        tree.process(1, "systemd", 0, 1);
        tree.process(500, "browser", 1, 400).memory(2L << 20, 100L << 10, 0, 0, 4_096);
        tree.process(600, "editor", 1, 500).memory(256L << 10, 50L << 10, 0, 0, 512);
        vmstat(7);
        AtomicLong clock = new AtomicLong(1_000_000);
        collector = new Collector(new ProcFs(tree.root()), ProcTree.HOSTNAME, () -> clock.getAndAdd(1_000_000), () -> {
            List<KernelLog.Kill> drained = List.copyOf(logged);
            logged.clear();
            return drained;
        });
        collector.sample();
    }

    private void vmstat(long oomKills) throws IOException {
        Files.writeString(tree.root().resolve("vmstat"), "nr_free_pages 12345\npgfault 99\noom_kill " + oomKills + "\nswap_ra 0\n");
    }

    private List<EventBody> next() throws IOException {
        return collector.sample().stream().map(Event::body).toList();
    }

    @Test
    void aVanishedProcessWhileTheCounterGrewIsTheKillWithItsLastSamplesFigures() throws IOException {
        boot();
        tree.remove(500);
        vmstat(8);
        List<EventBody> events = next();
        // rss (2 GiB + 100 MiB) and 4 MiB of page tables in pages; freed: its anonymous memory and page tables.
        OomKill kill = new OomKill(500, ((2L << 30) + (100L << 20) + (4L << 20)) / PAGE, ((2L << 30) + (4L << 20)) / PAGE);
        assertThat(events).containsSubsequence(kill, new ProcessExit(500));
        assertThat(events.indexOf(new ProcessExit(500))).isEqualTo(events.indexOf(kill) + 1);
    }

    @Test
    void aProcessThatExitsWhileTheCounterStaysIsNoKill() throws IOException {
        boot();
        tree.remove(500);
        assertThat(next()).contains(new ProcessExit(500)).noneMatch(OomKill.class::isInstance);
    }

    @Test
    void withTheKernelLogTheNamedProcessIsTheKillAndTheOtherExitNot() throws IOException {
        boot();
        tree.remove(500);
        tree.remove(600);
        vmstat(8);
        logged.add(new KernelLog.Kill(600, "editor", 256L << 20, 512L << 10));
        List<EventBody> events = next();
        assertThat(events).filteredOn(OomKill.class::isInstance).extracting(body -> ((OomKill) body).pid()).containsExactly(600);
        assertThat(events.indexOf(new ProcessExit(600))).isEqualTo(events.indexOf(events.stream()
                .filter(OomKill.class::isInstance).findFirst().orElseThrow()) + 1);
    }

    @Test
    void withoutTheLogTheVanishedProcessWithTheMostPointsIsTakenForTheKill() throws IOException {
        boot();
        tree.remove(500);
        tree.remove(600);
        vmstat(8);
        assertThat(next()).filteredOn(OomKill.class::isInstance).extracting(body -> ((OomKill) body).pid()).containsExactly(500);
    }
}
