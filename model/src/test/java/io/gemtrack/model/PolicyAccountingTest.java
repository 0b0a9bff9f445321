package io.gemtrack.model;

import static io.gemtrack.model.HostScript.MIB;
import static io.gemtrack.model.HostScript.PAGE;
import static io.gemtrack.policy.Policy.freeable;
import static io.gemtrack.policy.Policy.holder;
import static io.gemtrack.policy.Policy.proportional;
import static io.gemtrack.policy.Policy.resident;
import static io.gemtrack.policy.Policy.rfc;
import static io.gemtrack.policy.Policy.rss;
import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md §3–§5: what each policy charges each process, and what each host charges no one, to the byte. */
class PolicyAccountingTest {

    private static final int COMPOSITOR = 100;
    private static final int CLIENT = 200;

    /** A compositor (fd 3: file 1) and a client (fd 3: file 2) on device 0. */
    private static HostScript compositorAndClient() {
        return HostScript.withGpu().apply(
                new ProcessFork(COMPOSITOR, 1, "compositor", false),
                new ProcessFork(CLIENT, 1, "client", false),
                new DrmFileOpen(COMPOSITOR, 3, 1, 0),
                new DrmFileOpen(CLIENT, 3, 2, 0));
    }

    /** The client renders into object 1 and shares it with the compositor, which imports it into file 1. */
    private static HostScript sharedBuffer(long bytes) {
        return compositorAndClient().apply(
                new GemCreate(1, 0, "vram", bytes, CLIENT, 2, 1),
                new GemPin(1, bytes),
                new DmaBufExport(1, 1000, CLIENT, 4),
                new DmaBufFdInstall(COMPOSITOR, 4, 1000, FdOrigin.UNIX_SOCKET),
                new DmaBufImport(1000, 1, 1),
                new FdClose(COMPOSITOR, 4));
    }

    @Test
    void sharedBufferIsChargedToTheCreatorByTheRfcAndSplitBetweenHoldersProportionally() {
        HostScript host = sharedBuffer(8 * MIB);

        assertCharges(host, CLIENT, 0, 8 * MIB, 8 * MIB, 4 * MIB, 8 * MIB, 0);
        assertCharges(host, COMPOSITOR, 0, 0, 0, 4 * MIB, 8 * MIB, 0);
        Ledger ledger = host.model().ledger();
        assertPerPolicy(ledger::unaccounted, 8 * MIB, 0, 0, 0, 0, 8 * MIB);
        assertPerPolicy(ledger::overcharged, 0, 0, 0, 0, 8 * MIB, 0);
        assertPerPolicy(ledger::charged, 0, 8 * MIB, 8 * MIB, 8 * MIB, 16 * MIB, 0);
        assertThat(ledger.gemBytes()).isEqualTo(8 * MIB);
        assertThat(ledger.residentBytes()).isEqualTo(8 * MIB);
        assertThat(ledger.orphanedBytes()).isZero();
        assertThat(host.model().object(1).holders()).extracting(Process::pid).containsExactly(COMPOSITOR, CLIENT);
    }

    @Test
    void creatorExitLeavesTheBufferToTheImporterAndOrphansItForTheRfc() {
        HostScript host = sharedBuffer(8 * MIB).apply(
                new ProcessExit(CLIENT),
                new DrmFileClose(2),
                new DmaBufRelease(1000));

        assertThat(host.model().process(CLIENT)).isNull();
        assertCharges(host, COMPOSITOR, 0, 0, 0, 8 * MIB, 8 * MIB, 8 * MIB);
        GemObject buffer = host.model().object(1);
        assertThat(buffer.creatorMmAlive()).isFalse();
        assertThat(buffer.creatorPid()).isEqualTo(CLIENT);
        assertThat(buffer.holders()).extracting(Process::pid).containsExactly(COMPOSITOR);
        Ledger ledger = host.model().ledger();
        assertThat(ledger.orphanedBytes()).isEqualTo(8 * MIB);
        assertPerPolicy(ledger::unaccounted, 8 * MIB, 8 * MIB, 8 * MIB, 0, 0, 0);
        assertPerPolicy(ledger::overcharged, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void sparsePartialPinChargesTheFullSizeUnderTheRfcButOnlyResidentPagesElsewhere() {
        HostScript host = compositorAndClient().apply(
                new GemCreate(1, 0, "system", 64 * MIB, COMPOSITOR, 1, 1));
        assertCharges(host, COMPOSITOR, 0, 0, 0, 0, 0, 0);

        host.apply(new GemPin(1, 16 * MIB));
        assertCharges(host, COMPOSITOR, 0, 64 * MIB, 16 * MIB, 16 * MIB, 16 * MIB, 16 * MIB);
        Ledger ledger = host.model().ledger();
        assertPerPolicy(ledger::overcharged, 0, 48 * MIB, 0, 0, 0, 0);
        assertPerPolicy(ledger::unaccounted, 16 * MIB, 0, 0, 0, 0, 0);
        assertThat(region(ledger, "system")).extracting(RegionUsage::gemBytes, RegionUsage::residentBytes)
                .containsExactly(64 * MIB, 16 * MIB);

        host.apply(new GemPin(1, 48 * MIB));
        assertCharges(host, COMPOSITOR, 0, 64 * MIB, 64 * MIB, 64 * MIB, 64 * MIB, 64 * MIB);

        host.apply(new GemUnpin(1, 64 * MIB));
        assertCharges(host, COMPOSITOR, 0, 0, 0, 0, 0, 0);
        assertThat(region(ledger, "system").residentBytes()).isZero();
    }

    @Test
    void cmaObjectIsResidentInFullFromCreationToFree() {
        HostScript host = compositorAndClient().apply(
                new GemCreate(1, 0, "cma", 4 * MIB, CLIENT, 2, 1));

        assertCharges(host, CLIENT, 0, 4 * MIB, 4 * MIB, 4 * MIB, 4 * MIB, 4 * MIB);
        assertThat(region(host.model().ledger(), "cma").residentBytes()).isEqualTo(4 * MIB);
        host.assertRejected(new GemPin(1, PAGE), "CMA");
        host.assertRejected(new GemUnpin(1, PAGE), "CMA");

        host.apply(new GemHandleDelete(2, 1), new GemFree(1));
        assertCharges(host, CLIENT, 0, 0, 0, 0, 0, 0);
        assertThat(host.model().ledger().residentBytes()).isZero();
    }

    @Test
    void proportionalRemainderGoesAByteEachToTheLowestPids() {
        HostScript host = compositorAndClient().apply(
                new ProcessFork(300, 1, "viewer", false),
                new GemCreate(1, 0, "system", 2 * PAGE, CLIENT, 2, 1),
                new GemPin(1, 2 * PAGE),
                new DmaBufExport(1, 1000, CLIENT, 4),
                new DmaBufFdInstall(300, 4, 1000, FdOrigin.UNIX_SOCKET),
                new DmaBufFdInstall(COMPOSITOR, 4, 1000, FdOrigin.UNIX_SOCKET));

        // 8192 bytes over 3 holders: 2730 each and a remainder of 2, which goes to pids 100 and 200.
        assertThat(host.charged(COMPOSITOR, proportional)).isEqualTo(2731);
        assertThat(host.charged(CLIENT, proportional)).isEqualTo(2731);
        assertThat(host.charged(300, proportional)).isEqualTo(2730);
        assertThat(host.model().ledger().unaccounted(proportional)).isZero();

        host.apply(new FdClose(CLIENT, 4), new FdClose(CLIENT, 3));
        assertThat(host.charged(COMPOSITOR, proportional)).isEqualTo(PAGE);
        assertThat(host.charged(CLIENT, proportional)).isZero();
        assertThat(host.charged(300, proportional)).isEqualTo(PAGE);
    }

    @Test
    void holdersComeFromFdsToFilesWithHandlesNotFromHandlesAlone() {
        HostScript host = compositorAndClient().apply(
                new GemCreate(1, 0, "system", 4 * MIB, CLIENT, 2, 1),
                new GemPin(1, 4 * MIB),
                new FdClose(CLIENT, 3));

        // The file still has the handle, but no process has an fd to it: no one holds the object.
        assertThat(host.model().object(1).holders()).isEmpty();
        assertCharges(host, CLIENT, 0, 4 * MIB, 4 * MIB, 0, 0, 0);
        assertPerPolicy(host.model().ledger()::unaccounted, 4 * MIB, 0, 0, 4 * MIB, 4 * MIB, 4 * MIB);
    }

    static void assertCharges(HostScript host, int pid, long... expected) {
        Process process = host.model().process(pid);
        Map<Policy, Long> actual = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> actual.put(policy, process.charged(policy)));
        assertThat(actual).as("charges of %d", pid).isEqualTo(perPolicy(expected));
    }

    static void assertPerPolicy(java.util.function.ToLongFunction<Policy> figure, long... expected) {
        Map<Policy, Long> actual = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> actual.put(policy, figure.applyAsLong(policy)));
        assertThat(actual).isEqualTo(perPolicy(expected));
    }

    /** Figures in the order rss, rfc, resident, proportional, holder, freeable. */
    private static Map<Policy, Long> perPolicy(long... figures) {
        assertThat(figures).hasSize(Policy.all().size());
        Map<Policy, Long> byPolicy = new EnumMap<>(Policy.class);
        Arrays.asList(rss, rfc, resident, proportional, holder, freeable)
                .forEach(policy -> byPolicy.put(policy, figures[policy.ordinal()]));
        return byPolicy;
    }

    private static RegionUsage region(Ledger ledger, String name) {
        return ledger.regions().stream().filter(region -> region.minor() == 0 && region.name().equals(name)).findFirst().orElseThrow();
    }
}
