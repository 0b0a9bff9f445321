package io.gemtrack.producer.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import io.gemtrack.producer.truth.GroundTruth;
import io.gemtrack.producer.truth.HostTruth;
import io.gemtrack.producer.truth.ObjectTruth;
import io.gemtrack.producer.truth.ProcessTruth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RFC's {@code MM_DRIVERPAGES}, case by case, in exact page counts: when {@code drm_gem_add_resident} and
 * {@code drm_gem_dec_resident} charge and uncharge, to whom, and when they are skipped; and the fork flaw.
 */
class RfcAccountingTest {

    private static final long PAGE = EventBody.PAGE_SIZE;
    private static final long MIB = 1L << 20;
    private static final long PAGES_PER_MIB = MIB / PAGE;

    private final List<EventBody> events = new ArrayList<>();
    private Kernel kernel = new Kernel(events::add, false);
    private int etnaviv;
    private int cma;

    private void boot(boolean forkFlaw) {
        kernel = new Kernel(events::add, forkFlaw);
        kernel.reportMemory(16L << 30, 0, 0, 0);
        etnaviv = kernel.addDevice("etnaviv", List.of(new Region("system", 1L << 30)), false);
        cma = kernel.addDevice("vc4", List.of(new Region("cma", 64 * MIB)), false);
    }

    RfcAccountingTest() {
        boot(false);
    }

    /** {@code MM_DRIVERPAGES} of the group of {@code pid} as its next counters sample reports it; checks invariants first. */
    private long driverPages(int pid) {
        kernel.checkInvariants();
        return kernel.sampleCounters(pid, 0, 0, 0, 0, 0).driverPages();
    }

    private HostTruth truth() {
        kernel.checkInvariants();
        return GroundTruth.of("host", "boot", 0, kernel.facts());
    }

    private ProcessTruth process(int pid) {
        return truth().processes().stream().filter(process -> process.pid() == pid).findFirst().orElseThrow();
    }

    private ObjectTruth object(long id) {
        return truth().objects().stream().filter(object -> object.object() == id).findFirst().orElseThrow();
    }

    @Test
    void etnavivChargesTheFullSizeAtTheFirstPinAndUnchargesWhenNothingStaysResident() {
        int pid = kernel.spawn("app");
        int fd = kernel.open(pid, etnaviv);
        Buffer buffer = kernel.create(pid, fd, "system", 4 * MIB).orElseThrow();
        assertThat(driverPages(pid)).as("created, not pinned").isZero();

        kernel.pin(buffer.object(), PAGE);
        assertThat(driverPages(pid)).as("first page pinned").isEqualTo(4 * PAGES_PER_MIB);
        kernel.pin(buffer.object(), 2 * PAGE);
        assertThat(driverPages(pid)).as("more pages pinned: charged once").isEqualTo(4 * PAGES_PER_MIB);
        kernel.unpin(buffer.object(), 2 * PAGE);
        assertThat(driverPages(pid)).as("one page still resident").isEqualTo(4 * PAGES_PER_MIB);
        kernel.unpin(buffer.object(), PAGE);
        assertThat(driverPages(pid)).as("nothing resident").isZero();

        kernel.pin(buffer.object(), 4 * MIB);
        assertThat(driverPages(pid)).isEqualTo(4 * PAGES_PER_MIB);
        kernel.closeHandle(pid, fd, buffer.handle());
        assertThat(events).last().isEqualTo(new GemFree(buffer.object()));
        assertThat(driverPages(pid)).as("freed while resident: uncharged").isZero();
    }

    @Test
    void cmaObjectsAreChargedAtCreationAndNeverPinned() {
        int pid = kernel.spawn("display");
        int fd = kernel.open(pid, cma);
        Buffer buffer = kernel.create(pid, fd, "cma", 2 * MIB).orElseThrow();
        assertThat(driverPages(pid)).as("charged at creation").isEqualTo(2 * PAGES_PER_MIB);
        assertThat(object(buffer.object()).residentBytes()).isEqualTo(2 * MIB);
        assertThatThrownBy(() -> kernel.pin(buffer.object(), PAGE)).isInstanceOf(InvariantViolation.class).hasMessageContaining("CMA");

        kernel.closeHandle(pid, fd, buffer.handle());
        assertThat(driverPages(pid)).as("freed").isZero();
    }

    @Test
    void cmaCreationThatDoesNotFitIsRefusedWithoutAnEvent() {
        int pid = kernel.spawn("display");
        int fd = kernel.open(pid, cma);
        kernel.create(pid, fd, "cma", 60 * MIB).orElseThrow();
        int before = events.size();
        assertThat(kernel.create(pid, fd, "cma", 8 * MIB)).isEmpty();
        assertThat(events).hasSize(before);
        assertThat(driverPages(pid)).isEqualTo(60 * PAGES_PER_MIB);
    }

    @Test
    void aPartialPinOfASparseObjectChargesItsWholeSize() {
        int pid = kernel.spawn("trainer");
        int fd = kernel.open(pid, etnaviv);
        Buffer tensor = kernel.create(pid, fd, "system", 256 * MIB).orElseThrow();
        kernel.pin(tensor.object(), 16 * MIB);

        assertThat(driverPages(pid)).isEqualTo(256 * PAGES_PER_MIB);
        ProcessTruth trainer = process(pid);
        assertThat(trainer.charged()).containsEntry("rfc", 256 * MIB).containsEntry("resident", 16 * MIB)
                .containsEntry("holder", 16 * MIB).containsEntry("freeable", 16 * MIB).containsEntry("rss", 0L);
        assertThat(truth().overcharged()).containsEntry("rfc", 240 * MIB).containsEntry("resident", 0L);
    }

    @Test
    void aCreatorThatExitsBeforeTheFreeIsNeitherChargedNorUnchargedAgain() {
        int creator = kernel.spawn("camera");
        int importer = kernel.spawn("recorder");
        int creatorFd = kernel.open(creator, etnaviv);
        int importerFd = kernel.open(importer, etnaviv);
        Buffer frame = kernel.create(creator, creatorFd, "system", 8 * MIB).orElseThrow();
        kernel.pin(frame.object(), 8 * MIB);
        int dmaBufFd = kernel.export(creator, creatorFd, frame.handle());
        int received = kernel.send(creator, dmaBufFd, importer);
        Buffer imported = kernel.importDmaBuf(importer, received, importerFd);
        kernel.close(importer, received);
        assertThat(driverPages(creator)).isEqualTo(8 * PAGES_PER_MIB);

        kernel.exit(creator);
        assertThat(events).doesNotContain(new GemFree(frame.object()));
        assertThat(driverPages(importer)).as("an importer is never charged by the RFC").isZero();
        kernel.unpin(frame.object(), 8 * MIB);
        kernel.pin(frame.object(), 8 * MIB);
        assertThat(driverPages(importer)).as("pins after the creator's exit charge no one").isZero();
        HostTruth orphaned = truth();
        assertThat(orphaned.orphanedBytes()).isEqualTo(8 * MIB);
        assertThat(orphaned.unaccounted()).containsEntry("rfc", 8 * MIB).containsEntry("holder", 0L);

        kernel.closeHandle(importer, importerFd, imported.handle());
        assertThat(events).last().isEqualTo(new GemFree(frame.object()));
        assertThat(driverPages(importer)).isZero();
        assertThat(truth().objects()).isEmpty();
    }

    @Test
    void aSharedBufferOutlivesItsCreatorInEveryHolderAndIsFreedWithTheLastReference() {
        int creator = kernel.spawn("decoder");
        int viewer = kernel.spawn("viewer");
        int fd = kernel.open(creator, etnaviv);
        Buffer buffer = kernel.create(creator, fd, "system", 2 * MIB).orElseThrow();
        kernel.pin(buffer.object(), 2 * MIB);
        int dmaBufFd = kernel.export(creator, fd, buffer.handle());
        int viewerFd = kernel.send(creator, dmaBufFd, viewer);
        kernel.mmap(viewer, buffer.object());
        assertThat(object(buffer.object()).holders()).containsExactly(creator, viewer);
        assertThat(process(creator).charged()).containsEntry("proportional", MIB).containsEntry("freeable", 0L);

        kernel.exit(creator);
        assertThat(object(buffer.object()).holders()).containsExactly(viewer);
        assertThat(object(buffer.object()).creatorMmAlive()).isFalse();
        assertThat(process(viewer).charged()).containsEntry("rfc", 0L).containsEntry("freeable", 2 * MIB);
        assertThat(process(viewer).freedByKill()).isEqualTo(2 * MIB);

        kernel.close(viewer, viewerFd);
        assertThat(events.subList(events.size() - 2, events.size()))
                .containsExactly(new FdClose(viewer, viewerFd), new DmaBufRelease(1));
        kernel.munmap(viewer, buffer.object());
        assertThat(events).last().isEqualTo(new GemFree(buffer.object()));
    }

    @Test
    void anExitReportsItsReleasesAfterItInFileDmaBufObjectOrder() {
        int pid = kernel.spawn("app");
        int fd = kernel.open(pid, etnaviv);
        Buffer buffer = kernel.create(pid, fd, "system", MIB).orElseThrow();
        kernel.export(pid, fd, buffer.handle());
        kernel.mmap(pid, buffer.object());
        events.clear();

        kernel.exit(pid);

        assertThat(events).containsExactly(new ProcessExit(pid), new EventBody.DrmFileClose(1), new DmaBufRelease(1),
                new GemFree(buffer.object()));
    }

    @Test
    void execEndsTheChargeOfTheOldMmAndAnUnpinAfterwardsTakesNothingOff() {
        int pid = kernel.spawn("sh");
        int fd = kernel.open(pid, etnaviv);
        Buffer buffer = kernel.create(pid, fd, "system", MIB).orElseThrow();
        kernel.pin(buffer.object(), MIB);
        assertThat(driverPages(pid)).isEqualTo(PAGES_PER_MIB);

        kernel.exec(pid, "cc");
        assertThat(driverPages(pid)).as("a new mm").isZero();
        kernel.unpin(buffer.object(), MIB);
        assertThat(driverPages(pid)).as("dec_resident skipped: the creator's mm is gone").isZero();
        assertThat(process(pid).charged()).containsEntry("rfc", 0L).containsEntry("holder", 0L);
    }

    @Test
    void anObjectCreatedByAThreadIsChargedToItsGroupAndOutlivesTheThread() {
        int pid = kernel.spawn("renderer");
        int thread = kernel.spawnThread(pid, "render-thread");
        int fd = kernel.open(pid, etnaviv);
        Buffer buffer = kernel.create(thread, fd, "system", MIB).orElseThrow();
        kernel.pin(buffer.object(), PAGE);
        kernel.exit(thread);

        assertThat(driverPages(pid)).isEqualTo(PAGES_PER_MIB);
        assertThat(object(buffer.object()).creatorPid()).isEqualTo(pid);
        assertThat(process(pid).charged()).containsEntry("rfc", MIB);
    }

    @Test
    void withoutTheForkFlawAChildStartsAtZeroAndItsParentKeepsItsCharge() {
        int parent = kernel.spawn("daemon");
        int fd = kernel.open(parent, etnaviv);
        Buffer buffer = kernel.create(parent, fd, "system", 4 * MIB).orElseThrow();
        kernel.pin(buffer.object(), 4 * MIB);

        int child = kernel.fork(parent, "worker");
        assertThat(driverPages(child)).isZero();
        assertThat(driverPages(parent)).isEqualTo(4 * PAGES_PER_MIB);
        assertThat(object(buffer.object()).holders()).as("the child inherited the fd").containsExactly(parent, child);
        kernel.exit(child);
        assertThat(driverPages(parent)).isEqualTo(4 * PAGES_PER_MIB);
    }

    @Test
    void withTheForkFlawTheChildCarriesACopyThatNothingTakesOff() {
        boot(true);
        int parent = kernel.spawn("daemon");
        int fd = kernel.open(parent, etnaviv);
        Buffer buffer = kernel.create(parent, fd, "system", 4 * MIB).orElseThrow();
        kernel.pin(buffer.object(), 4 * MIB);

        int child = kernel.fork(parent, "worker");
        assertThat(driverPages(child)).as("copied at fork").isEqualTo(4 * PAGES_PER_MIB);
        kernel.unpin(buffer.object(), 4 * MIB);
        assertThat(driverPages(parent)).isZero();
        assertThat(driverPages(child)).as("the uncharge went to the creator's mm only").isEqualTo(4 * PAGES_PER_MIB);
        int grandchild = kernel.fork(child, "worker");
        assertThat(driverPages(grandchild)).isEqualTo(4 * PAGES_PER_MIB);

        ProcessTruth worker = process(child);
        assertThat(worker.charged()).containsEntry("rfc", 0L);
        assertThat(worker.driverPages() * PAGE).as("what the kernel shows against what it should").isEqualTo(4 * MIB);
        kernel.exit(child);
        assertThat(driverPages(grandchild)).isEqualTo(4 * PAGES_PER_MIB);
    }

    @Test
    void aPinBeyondTheRegionsCapacityIsRefusedAndOneBeyondTheObjectIsABug() {
        int pid = kernel.spawn("app");
        int fd = kernel.open(pid, etnaviv);
        Buffer big = kernel.create(pid, fd, "system", 1L << 30).orElseThrow();
        Buffer more = kernel.create(pid, fd, "system", MIB).orElseThrow();
        assertThat(kernel.pin(big.object(), 1L << 30)).isTrue();
        assertThat(kernel.pin(more.object(), PAGE)).as("the region is full").isFalse();
        assertThatThrownBy(() -> kernel.pin(more.object(), 2 * MIB)).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> kernel.closeHandle(pid, fd, 99)).isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("no handle 99");
    }
}
