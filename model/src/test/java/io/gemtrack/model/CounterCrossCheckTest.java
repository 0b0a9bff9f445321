package io.gemtrack.model;

import static io.gemtrack.model.HostScript.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessFork;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md §7: MM_DRIVERPAGES as reported against the rfc charge. */
class CounterCrossCheckTest {

    private static MmCounters sample(int pid, long driverPages) {
        return new MmCounters(pid, 0, 4 * MIB, 0, 0, 0, driverPages);
    }

    /** Process 200 created and pinned 8 MiB, which the RFC charges it as 2048 pages. */
    private static HostScript creator() {
        return HostScript.withGpu().apply(
                new ProcessFork(200, 1, "client", false),
                new DrmFileOpen(200, 3, 2, 0),
                new GemCreate(1, 0, "system", 8 * MIB, 200, 2, 1),
                new GemPin(1, 8 * MIB));
    }

    @Test
    void agreeingSampleIsNoMismatch() {
        HostScript host = creator().apply(sample(200, 2048));

        assertThat(host.model().counterMismatches()).isZero();
        assertThat(host.model().process(200).counterMismatch()).isFalse();
    }

    @Test
    void disagreeingSampleIsCountedAndFlagsTheProcessUntilASampleAgrees() {
        HostScript host = creator().apply(sample(200, 0), sample(200, 1024));

        assertThat(host.model().counterMismatches()).isEqualTo(2);
        assertThat(host.model().process(200).counterMismatch()).isTrue();
        assertThat(host.model().processesWithCounterMismatch()).isEqualTo(1);

        host.apply(sample(200, 2048));
        assertThat(host.model().process(200).counterMismatch()).isFalse();
        assertThat(host.model().processesWithCounterMismatch()).isZero();
        assertThat(host.model().counterMismatches()).isEqualTo(2);
    }

    @Test
    void forkFlawShowsAsAMismatchOfTheChild() {
        HostScript host = creator().apply(
                new ProcessFork(300, 200, "client", false),
                sample(300, 2048));

        assertThat(host.model().process(300).counterMismatch()).isTrue();
        assertThat(host.model().counterMismatches()).isEqualTo(1);
    }
}
