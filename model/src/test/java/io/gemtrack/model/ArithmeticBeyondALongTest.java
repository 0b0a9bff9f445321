package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Bounds;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.events.EventBody;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS.md §10: values within the schema's bounds whose sums do not fit in a {@code long}. The sums stay exact
 * and read as {@link Long#MAX_VALUE}; the counts that a checkpoint bounds stay within the bound.
 */
class ArithmeticBeyondALongTest {

    private static final long BIG = Bounds.MAX_BYTES;
    /** 2,048 objects at the byte bound are 2^63 less 2^23 bytes; these are more. */
    private static final int MANY = 2_100;
    private static final int OWNER = 100;

    /** Process 100 holds a file; the host declares no devices, so no region's capacity bounds what is resident. */
    private static HostScript ownerWithFile() {
        return new HostScript().apply(HostScript.MEMORY, new ProcessFork(OWNER, 1, "owner", false), new DrmFileOpen(OWNER, 3, 1, 0));
    }

    @Test
    void byteSumsBeyondALongReadSaturatedAndComeBackExactlyAsObjectsGo() {
        HostScript host = ownerWithFile();
        for (int object = 1; object <= MANY; object++) {
            send(host, new GemCreate(object, 0, "vram", BIG, OWNER, 1, object));
            send(host, new GemPin(object, BIG));
        }
        host.apply(new MmCounters(OWNER, 0, BIG, 0, 0, 0, 0));
        Ledger ledger = host.model().ledger();

        assertThat(ledger.gemBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.residentBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.regions()).singleElement().satisfies(region -> {
            assertThat(region.gemBytes()).isEqualTo(Long.MAX_VALUE);
            assertThat(region.residentBytes()).isEqualTo(Long.MAX_VALUE);
        });
        for (Policy policy : List.of(Policy.rfc, Policy.resident, Policy.proportional, Policy.holder, Policy.freeable)) {
            assertThat(ledger.charged(policy)).as("%s charged", policy).isEqualTo(Long.MAX_VALUE);
            assertThat(host.charged(OWNER, policy)).as("%s charge of the owner", policy).isEqualTo(Long.MAX_VALUE);
        }
        assertThat(ledger.unaccounted(Policy.rss)).isEqualTo(Long.MAX_VALUE);
        assertThat(host.model().process(OWNER).counterMismatch()).as("a charge beyond a long is no driverPages").isTrue();
        OomCandidate owner = OomAdvisor.rank(host.model(), Policy.rfc).victim();
        assertThat(owner.badnessPages()).isEqualTo(Long.MAX_VALUE / EventBody.PAGE_SIZE);
        assertThat(owner.points()).isEqualTo(Long.MAX_VALUE / EventBody.PAGE_SIZE);
        assertThat(owner.freedBytes()).isEqualTo(Long.MAX_VALUE);
        ModelInvariants.check(host.model());

        for (int object = 2_001; object <= MANY; object++) {
            send(host, new GemHandleDelete(1, object));
            send(host, new GemFree(object));
        }
        assertThat(ledger.gemBytes()).isEqualTo(2_000 * BIG);
        assertThat(ledger.residentBytes()).isEqualTo(2_000 * BIG);
        assertThat(ledger.charged(Policy.holder)).isEqualTo(2_000 * BIG);
        assertThat(host.charged(OWNER, Policy.rfc)).isEqualTo(2_000 * BIG);
        assertThat(OomAdvisor.freedByKill(host.model().process(OWNER))).isEqualTo(2_001 * BIG);
        ModelInvariants.check(host.model());
    }

    @Test
    void holderChargeOfOneObjectWithThousandsOfHoldersIsExact() {
        HostScript host = ownerWithFile().apply(new GemCreate(1, 0, "vram", BIG, OWNER, 1, 1), new GemPin(1, BIG));
        for (int child = 1_000; child < 1_000 + MANY; child++) {
            send(host, new ProcessFork(child, OWNER, "child", false));
        }
        Ledger ledger = host.model().ledger();
        assertThat(host.model().object(1).holders()).hasSize(MANY + 1);
        assertThat(ledger.charged(Policy.holder)).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.overcharged(Policy.holder)).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.unaccounted(Policy.holder)).isZero();
        assertThat(ledger.charged(Policy.proportional)).isEqualTo(BIG);
        assertThat(host.charged(1_000, Policy.holder)).isEqualTo(BIG);
        ModelInvariants.check(host.model());

        for (int child = 1_000 + 2_000; child < 1_000 + MANY; child++) {
            send(host, new ProcessExit(child));
        }
        assertThat(ledger.charged(Policy.holder)).isEqualTo(2_001 * BIG);
        assertThat(ledger.overcharged(Policy.holder)).isEqualTo(2_000 * BIG);
        ModelInvariants.check(host.model());
    }

    /** Case 1 of the issue: a snapshot's count at its bound and one more GemMmap made a checkpoint that failed its own validation. */
    @Test
    void mappingsOfOneObjectInOneMmStopAtTheBoundSoEveryStateCanBeCheckpointed() throws Exception {
        HostSnapshot mappedToTheBound = new HostSnapshot(HostScript.MEMORY, List.of(),
                List.of(new SnapshotProcess(OWNER, 1, "owner", List.of(), 0, Process.zeroCounters(OWNER),
                        List.of(new SnapshotFd(3, 1, 0)), List.of(new SnapshotMapping(1, Bounds.MAX_MAPPINGS)))),
                List.of(new SnapshotFile(1, 0, List.of(new SnapshotHandle(1, 1)))),
                List.of(new SnapshotObject(1, 0, "vram", BIG, OWNER, true, BIG)), List.of(), List.of());
        HostScript host = new HostScript().apply(mappedToTheBound);

        host.assertRejected(new GemMmap(OWNER, 1), "would exceed the 16777216 mappings one mm may have");
        for (int child = 1_000; child < 1_200; child++) {
            send(host, new ProcessFork(child, OWNER, "child", false));
        }
        assertThat(host.model().object(1).mappings()).isEqualTo(201L * Bounds.MAX_MAPPINGS);
        assertThat(host.model().object(1).referencesBy(host.model().process(1_000))).isEqualTo(Bounds.MAX_MAPPINGS + 1L);
        host.assertRejected(new GemMmap(1_000, 1), "would exceed");
        ModelInvariants.check(host.model());

        CheckpointCodec codec = new CheckpointCodec();
        HostModel restored = HostModel.restore(codec.decode(codec.encode(host.model().checkpoint())));
        assertThat(ModelDump.of(restored)).isEqualTo(host.dump());
    }

    @Test
    void snapshotThatMapsAnObjectBeyondTheBoundInOneMmIsRejected() {
        SnapshotProcess twice = new SnapshotProcess(OWNER, 1, "owner", List.of(), 0, Process.zeroCounters(OWNER), List.of(),
                List.of(new SnapshotMapping(1, Bounds.MAX_MAPPINGS), new SnapshotMapping(1, 1)));
        HostScript host = ownerWithFile();

        host.assertRejected(new HostSnapshot(HostScript.MEMORY, List.of(), List.of(twice), List.of(),
                List.of(new SnapshotObject(1, 0, "vram", BIG, OWNER, true, BIG)), List.of(), List.of()), "would exceed");
    }

    /** Thousands of events, each checked for being applied; the oracle runs once after, not after each. */
    private static void send(HostScript host, EventBody body) {
        assertThat(host.send(body)).as("applying %s", body).isEqualTo(ApplyResult.APPLIED);
    }
}
