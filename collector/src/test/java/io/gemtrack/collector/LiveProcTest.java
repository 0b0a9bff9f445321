package io.gemtrack.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.SnapshotProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The machine running the tests is a real host: its /proc must give a stream the model applies, with this JVM in it. */
class LiveProcTest {

    private static final Path PROC = Path.of("/proc");

    @Test
    void thisMachinesProcGivesSaneProcessEvents() throws Exception {
        assumeTrue(Files.isReadable(PROC.resolve("self/status")), "needs a Linux /proc");
        int self = (int) ProcessHandle.current().pid();
        Collector collector = new Collector(new ProcFs(PROC), "live-test", System::nanoTime);
        AggregatorReferee referee = new AggregatorReferee();

        HostSnapshot snapshot = (HostSnapshot) referee.accept(collector.sample()).get(0).body();
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        int sleeperPid = (int) sleeper.pid();
        awaitExec(sleeperPid, "sleep");
        List<EventBody> afterStart = bodies(referee.accept(collector.sample()));
        sleeper.destroy();
        sleeper.waitFor();
        List<EventBody> afterExit = bodies(referee.accept(collector.sample()));

        assertThat(snapshot.memory().memTotalBytes()).isGreaterThan(64L << 20);
        assertThat(snapshot.processes()).extracting(SnapshotProcess::pid).contains(1, self).doesNotContain(2);
        SnapshotProcess jvm = snapshot.processes().stream().filter(process -> process.pid() == self).findFirst().orElseThrow();
        assertThat(jvm.comm()).isEqualTo("java");
        assertThat(jvm.parentPid()).isPositive();
        assertThat(jvm.counters().anonBytes()).isGreaterThan(1L << 20);
        assertThat(jvm.counters().pageTableBytes()).isPositive();
        assertThat(afterStart).contains(new ProcessFork(sleeperPid, self, "sleep", false));
        assertThat(afterStart).filteredOn(event -> event instanceof MmCounters counters && counters.pid() == sleeperPid)
                .singleElement()
                .satisfies(event -> assertThat(((MmCounters) event).fileBytes()).isPositive());
        assertThat(afterExit).contains(new ProcessExit(sleeperPid));
        assertThat(referee.model().processes()).hasSizeGreaterThan(1);
    }

    /** Until the child has exec'ed it is a copy of the JVM (or its spawn helper) under another name. */
    private static void awaitExec(int pid, String comm) throws IOException, InterruptedException {
        Path commFile = PROC.resolve(pid + "/comm");
        for (int attempt = 0; attempt < 500 && !Files.readString(commFile).strip().equals(comm); attempt++) {
            Thread.sleep(10);
        }
        assertThat(Files.readString(commFile).strip()).isEqualTo(comm);
    }

    private static List<EventBody> bodies(List<Event> events) {
        return events.stream().map(Event::body).toList();
    }
}
