package io.gemtrack.producer.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import io.gemtrack.producer.truth.OomKillFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The emulated kernel's OOM killer in exact figures: when it fires, whom today's badness and the RFC's pick, the
 * points and freed pages it reports, and what it measures its kill to have freed and left alive.
 */
class OomKillerTest {

    private static final long PAGE = EventBody.PAGE_SIZE;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private final List<EventBody> events = new ArrayList<>();
    private Kernel kernel;
    private int cache;
    private int leaker;
    private int viewer;
    private Buffer shared;

    /**
     * A host of 1 GiB RAM and no swap: a cache of 400 MiB anonymous memory, and a leaker with 8 MiB of its own that
     * pinned 600 MiB in one buffer and 100 MiB in another it shares with a viewer through a dma-buf.
     */
    private void boot(boolean driverPagesInBadness) {
        kernel = new Kernel(events::add, false, driverPagesInBadness);
        kernel.reportMemory(GIB, 0, 0, 0);
        int gpu = kernel.addDevice("etnaviv", List.of(new Region("system", GIB)), false);
        cache = kernel.spawn("cache");
        kernel.sampleCounters(cache, 10 * MIB, 400 * MIB, 0, 0, MIB);
        leaker = kernel.spawn("leaker");
        viewer = kernel.spawn("viewer");
        kernel.sampleCounters(leaker, 0, 8 * MIB, 0, 0, 0);
        int fd = kernel.open(leaker, gpu);
        Buffer own = kernel.create(leaker, fd, "system", 600 * MIB).orElseThrow();
        kernel.pin(own.object(), 600 * MIB);
        shared = kernel.create(leaker, fd, "system", 100 * MIB).orElseThrow();
        kernel.pin(shared.object(), 100 * MIB);
        kernel.send(leaker, kernel.export(leaker, fd, shared.handle()), viewer);
        events.clear();
    }

    @Test
    void nothingIsKilledWhileMemorySuffices() {
        boot(false);
        kernel.unpin(shared.object(), 100 * MIB);
        events.clear();
        // 400 + 1 + 8 + 600 MiB of 1024.
        assertThat(kernel.killIfOutOfMemory()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void todaysKernelKillsTheLargestRssAndFreesItsAnonymousMemoryOnly() {
        boot(false);
        OptionalInt service = kernel.killIfOutOfMemory();
        assertThat(service).hasValue(0);
        // rss 410 MiB and 1 MiB of page tables, in pages; oom_score_adj 0.
        long points = (410 * MIB + MIB) / PAGE;
        assertThat(events.get(0)).isEqualTo(new OomKill(cache, points, 401 * MIB / PAGE));
        assertThat(events.get(1)).isEqualTo(new ProcessExit(cache));
        assertThat(events).hasSize(2);
        OomKillFacts kill = kernel.takeOomKills().get(0);
        assertThat(kill.freedBytes()).isEqualTo(401 * MIB);
        assertThat(kill.survivors()).isEmpty();
        assertThat(kill.before().processes()).extracting(process -> process.pid()).containsExactly(cache, leaker, viewer);
        assertThat(kernel.alive(cache)).isFalse();
        assertThat(kernel.killIfOutOfMemory()).as("708 MiB are committed now").isEmpty();
    }

    @Test
    void theRfcsKernelKillsTheLeakerWhoseSharedBufferStaysAliveInTheViewer() {
        boot(true);
        assertThat(kernel.killIfOutOfMemory()).isPresent();
        long points = 8 * MIB / PAGE + 700 * MIB / PAGE;
        assertThat(events.get(0)).isEqualTo(new OomKill(leaker, points, (8 + 600) * MIB / PAGE));
        assertThat(events.get(1)).isEqualTo(new ProcessExit(leaker));
        assertThat(events).contains(new DrmFileClose(1), new GemFree(1)).doesNotContain(new GemFree(shared.object()));
        OomKillFacts kill = kernel.takeOomKills().get(0);
        assertThat(kill.freedBytes()).isEqualTo(608 * MIB);
        assertThat(kill.survivors()).singleElement().satisfies(object -> {
            assertThat(object.object()).isEqualTo(shared.object());
            assertThat(object.residentBytes()).isEqualTo(100 * MIB);
            assertThat(object.holders()).containsExactly(viewer);
        });
        kernel.checkInvariants();
    }

    @Test
    void oomScoreAdjMovesTheChoiceAndMinusOneThousandIsNeverKilled() {
        boot(false);
        kernel.setOomScoreAdj(cache, -1000);
        kernel.setOomScoreAdj(viewer, 1000);
        events.clear();
        kernel.killIfOutOfMemory();
        // The viewer has no pages, but 1000 thousandths of all memory.
        assertThat(events.get(0)).isEqualTo(new OomKill(viewer, GIB / PAGE / 1000 * 1000, 0));
        kernel.takeOomKills();
        events.clear();
        kernel.killIfOutOfMemory();
        assertThat(((OomKill) events.get(0)).pid()).isEqualTo(leaker);
        events.clear();
        assertThat(kernel.killIfOutOfMemory()).as("only the cache is left, and it is never killed").isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void aTieGoesToTheYoungestProcess() {
        kernel = new Kernel(events::add, false, false);
        kernel.reportMemory(GIB, 0, 0, 0);
        int older = kernel.spawn("older");
        int younger = kernel.spawn("younger");
        kernel.sampleCounters(older, 0, 600 * MIB, 0, 0, 0);
        kernel.sampleCounters(younger, 0, 600 * MIB, 0, 0, 0);
        events.clear();
        kernel.killIfOutOfMemory();
        assertThat(((OomKill) events.get(0)).pid()).isEqualTo(younger);
    }

    @Test
    void aServiceStopsAsAWhole() {
        boot(false);
        kernel.enterService(3);
        int first = kernel.spawn("worker");
        int child = kernel.fork(first, "worker");
        kernel.enterService(0);
        kernel.stopService(3);
        assertThat(kernel.alive(first)).isFalse();
        assertThat(kernel.alive(child)).isFalse();
        assertThat(kernel.alive(cache)).isTrue();
    }
}
