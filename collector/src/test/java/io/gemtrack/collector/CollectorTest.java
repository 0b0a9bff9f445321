package io.gemtrack.collector;

import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.collector.procfs.ReadSkips;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.testkit.ProcTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.gemtrack.testkit.ProcTree.fdinfo;
import static org.assertj.core.api.Assertions.assertThat;

class CollectorTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final AggregatorReferee referee = new AggregatorReferee();

    private Collector collector(ProcTree tree) throws IOException {
        return new Collector(new ProcFs(tree.root()), ProcTree.HOSTNAME, () -> clock.getAndAdd(1_000_000));
    }

    /** A compositor on an amdgpu and an i915 card, sharing a scan-out dma-buf with a browser. */
    private ProcTree desktop() {
        ProcTree tree = new ProcTree(root);
        tree.process(1, "systemd", 0, 1);
        tree.kernelThread(2, "kthreadd");
        tree.process(500, "gnome-shell", 1, 400)
                .otherFd(0, "/dev/null")
                .drmFd(12, "/dev/dri/renderD128", fdinfo("amdgpu.txt"))
                .drmFd(14, "/dev/dri/renderD129", fdinfo("i915.txt"))
                .dmaBufFd(30, fdinfo("dmabuf-amdgpu.txt"));
        tree.process(600, "firefox", 1, 700).dmaBufFd(41, fdinfo("dmabuf-amdgpu.txt"));
        return tree;
    }

    @Test
    void aStreamStartsWithASnapshotAndEveryLaterEventIsAppliedByTheModel() throws IOException {
        ProcTree tree = desktop();
        Collector collector = collector(tree);

        List<Event> first = referee.accept(collector.sample());
        tree.remove(600);
        tree.process(700, "glxgears", 500, 1000).drmFd(5, "/dev/dri/renderD128", fdinfo("amdgpu-legacy.txt"));
        // With firefox's fd gone the scan-out buffer's file has one reference fewer: the kernel's count drops.
        tree.process(500, "gnome-shell", 1, 400).drmFd(12, "/dev/dri/renderD128",
                fdinfo("amdgpu.txt").replace("drm-resident-vram:\t196612 KiB", "drm-resident-vram:\t256 MiB"))
                .dmaBufFd(30, fdinfo("dmabuf-amdgpu.txt").replace("count:\t2", "count:\t1"));
        List<Event> second = referee.accept(collector.sample());

        assertThat(first).hasSize(1);
        assertThat(first.get(0).body()).isInstanceOf(HostSnapshot.class);
        assertThat(first.get(0).seq()).isZero();
        assertThat(first.get(0).bootId()).isEqualTo(ProcTree.BOOT_ID + "/5000000000");
        assertThat(second).extracting(Event::seq).startsWith(1L, 2L, 3L);
        // glxgears forks from the compositor and opens its own client (gtt and vram objects); the compositor's vram
        // becomes more resident; firefox exits; glxgears closes the three fds it inherited.
        assertThat(second).extracting(Event::type).containsExactly("ProcessFork", "DrmFileOpen", "GemPin", "GemCreate", "GemPin",
                "GemCreate", "GemPin", "MmCounters", "ProcessExit", "FdClose", "FdClose", "FdClose");
        assertThat(second).extracting(Event::body).contains(new ProcessExit(600));
        assertThat(referee.model().processes()).hasSize(3);
        // amdgpu: vram 256 MiB, gtt 35844 KiB, doorbell 8 KiB; i915: local0 1 GiB, system0 6044 KiB; the dma-buf 8 MiB;
        // glxgears' legacy client: vram 524292 KiB, gtt 64 MiB.
        assertThat(referee.model().gemBytes()).isEqualTo(256 * MIB + 35844 * 1024 + 8 * 1024 + 1024 * MIB + 6044 * 1024
                + 8 * MIB + 524292 * 1024 + 64 * MIB);
        assertThat(collector.samples()).isEqualTo(2);
        assertThat(collector.events()).isEqualTo(first.size() + second.size());
    }

    @Test
    void skippedReadsAddUpOverSamples() throws IOException {
        ProcTree tree = desktop();
        Files.delete(tree.process(800, "exiting", 1, 900).dir().resolve("status"));
        Collector collector = collector(tree);

        collector.sample();
        collector.sample();

        assertThat(collector.skips()).isEqualTo(new ReadSkips(2, 0, 0));
    }

    @Test
    void runSamplesTheGivenNumberOfTimes() throws IOException {
        Collector collector = collector(desktop());
        List<Event> events = new CopyOnWriteArrayList<>();

        collector.run(3, Duration.ofMillis(1), events::add);

        assertThat(collector.samples()).isEqualTo(3);
        assertThat(events).hasSize(1);
    }

    @Test
    void runStopsPromptlyWhenItsThreadIsInterrupted() throws Exception {
        Collector collector = collector(desktop());
        CountDownLatch sampled = new CountDownLatch(1);
        Thread runner = new Thread(() -> {
            try {
                collector.run(Long.MAX_VALUE, Duration.ofHours(1), event -> sampled.countDown());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        runner.start();
        assertThat(sampled.await(10, TimeUnit.SECONDS)).isTrue();

        runner.interrupt();
        runner.join(5_000);

        assertThat(runner.isAlive()).isFalse();
        assertThat(collector.samples()).isEqualTo(1);
    }
}
