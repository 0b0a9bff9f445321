package io.gemtrack.model;

import static io.gemtrack.model.HostScript.PAGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.policy.Policy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random but valid event streams, drawn from the model's own state, interleaved with random events that may
 * break rules: after every event the incremental figures must equal the {@link ModelInvariants} oracle, and
 * every rejected event must leave the canonical dump unchanged. Finds the interleavings hand-written tests miss.
 */
class RandomFoldTest {

    private static final int EVENTS = 400;
    private static final String[] REGIONS = {"system", "vram", "cma"};

    static Stream<Long> seeds() {
        return IntStream.rangeClosed(1, 50).mapToObj(seed -> (long) seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void incrementalFiguresMatchTheOracleAfterEveryEvent(long seed) {
        Random random = new Random(seed);
        HostScript host = HostScript.withGpu();
        Generator generator = new Generator(random, host.model().state);
        for (int i = 0; i < EVENTS; i++) {
            if (random.nextInt(10) == 0) {
                EventBody garbage = generator.garbage();
                String before = host.dump();
                if (host.send(garbage) instanceof ApplyResult.Rejected) {
                    assertThat(host.dump()).as("seed %d, rejected %s", seed, garbage).isEqualTo(before);
                }
                ModelInvariants.check(host.model());
            } else {
                generator.next().ifPresent(host::apply);
            }
        }
    }

    /**
     * Issue 7's restart guarantee at the level of one host: a model restored from a checkpoint (through its stored
     * JSON) is the model it was taken of, and stays equal to it while both fold the rest of the stream.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void modelRestoredFromACheckpointEqualsTheFoldAndKeepsEqual(long seed) throws Exception {
        Random random = new Random(seed);
        HostScript host = HostScript.withGpu();
        Generator generator = new Generator(random, host.model().state);
        CheckpointCodec codec = new CheckpointCodec();
        HostModel restored = null;
        for (int i = 0; i < EVENTS; i++) {
            if (i % 50 == 25) {
                restored = HostModel.restore(codec.decode(codec.encode(host.model().checkpoint())));
                assertThat(ModelDump.of(restored)).as("seed %d, restored after %d events", seed, i).isEqualTo(host.dump());
            }
            Optional<EventBody> body = generator.next();
            if (body.isPresent()) {
                Event event = host.next(body.get());
                host.model().apply(event);
                if (restored != null) {
                    restored.apply(event);
                }
            }
        }
        assertThat(ModelDump.of(restored)).as("seed %d, at the end", seed).isEqualTo(host.dump());
    }

    /** Picks an event type at random and fills it in from the current state, if the state allows that type. */
    private static final class Generator {
        private final Random random;
        private final HostState state;
        private int nextPid = 100;
        private long nextId = 1;

        Generator(Random random, HostState state) {
            this.random = random;
            this.state = state;
        }

        Optional<EventBody> next() {
            List<Supplier<EventBody>> choices = List.of(
                    () -> new ProcessFork(newPid(), state.tasks.isEmpty() || random.nextInt(4) == 0 ? 1 : pick(state.tasks.keySet()), "p", false),
                    () -> state.processes.isEmpty() ? null : new ProcessFork(newPid(), pick(state.processes.keySet()), "t", true),
                    () -> state.tasks.isEmpty() || random.nextInt(3) > 0 ? null : new ProcessExec(pick(state.tasks.keySet()), "e"),
                    () -> state.tasks.isEmpty() || random.nextInt(3) > 0 ? null : new ProcessExit(pick(state.tasks.keySet())),
                    () -> state.processes.isEmpty() ? null : new OomScoreAdj(pick(state.processes.keySet()), random.nextInt(2001) - 1000),
                    this::counters,
                    () -> fdInProcess((pid, fd) -> new DrmFileOpen(pid, fd, newId(), 0)),
                    () -> pickOrNull(state.files.values().stream().filter(DrmFile::unreferenced).map(file -> new DrmFileClose(file.id())).toList()),
                    () -> state.files.isEmpty() ? null
                            : fdInProcess((pid, fd) -> new FdInstall(pid, fd, pick(state.files.keySet()), FdOrigin.DUP)),
                    this::fdClose,
                    () -> state.processes.isEmpty() ? null
                            : handleInFile((file, handle) -> new GemCreate(newId(), 0, REGIONS[random.nextInt(3)],
                            (1 + random.nextInt(8)) * PAGE, pick(state.processes.keySet()), file, handle)),
                    () -> state.objects.isEmpty() ? null
                            : handleInFile((file, handle) -> new GemHandleCreate(file, handle, pick(objectIds()))),
                    this::handleDelete,
                    this::pinOrUnpin,
                    () -> state.processes.isEmpty() || state.objects.isEmpty() ? null
                            : new GemMmap(pick(state.tasks.keySet()), pick(objectIds())),
                    this::munmap,
                    () -> pickOrNull(state.objects.stream().filter(object -> !object.referenced()).map(object -> new GemFree(object.id())).toList()),
                    () -> state.objects.isEmpty() ? null
                            : fdInProcess((pid, fd) -> new DmaBufExport(pick(objectIds()), newId(), pid, fd)),
                    () -> state.dmaBufs.isEmpty() ? null
                            : fdInProcess((pid, fd) -> new DmaBufFdInstall(pid, fd, pick(state.dmaBufs.keySet()), FdOrigin.UNIX_SOCKET)),
                    () -> state.dmaBufs.isEmpty() ? null
                            : handleInFile((file, handle) -> new DmaBufImport(pick(state.dmaBufs.keySet()), file, handle)),
                    () -> pickOrNull(state.dmaBufs.values().stream().filter(DmaBuf::unreferenced).map(dmaBuf -> new DmaBufRelease(dmaBuf.inode())).toList()));
            return Optional.ofNullable(choices.get(random.nextInt(choices.size())).get());
        }

        /** An event with small random ids: often valid, often not. */
        EventBody garbage() {
            int pid = 100 + random.nextInt(Math.max(1, nextPid - 100));
            long id = 1 + random.nextInt((int) nextId);
            int fd = random.nextInt(8);
            List<EventBody> candidates = List.of(new ProcessFork(pid, pid - 1, "g", random.nextBoolean()), new ProcessExit(pid),
                    new DrmFileOpen(pid, fd, id, 0), new DrmFileClose(id), new FdInstall(pid, fd, id, FdOrigin.DUP), new FdClose(pid, fd),
                    new GemCreate(id, 0, "vram", PAGE, pid, id, 1 + fd), new GemHandleCreate(id, 1 + fd, id), new GemHandleDelete(id, 1 + fd),
                    new GemPin(id, PAGE * (1 + fd)), new GemUnpin(id, PAGE), new GemMmap(pid, id), new GemMunmap(pid, id), new GemFree(id),
                    new DmaBufExport(id, id, pid, fd), new DmaBufFdInstall(pid, fd, id, FdOrigin.DUP), new DmaBufImport(id, id, 1 + fd),
                    new DmaBufRelease(id), new ProcessExec(pid, "g"));
            return candidates.get(random.nextInt(candidates.size()));
        }

        private EventBody counters() {
            if (state.processes.isEmpty()) {
                return null;
            }
            Process process = state.processes.get(pick(state.processes.keySet()));
            long driverPages = random.nextBoolean() ? process.charged(Policy.rfc) / PAGE : random.nextInt(100);
            return new MmCounters(process.pid(), PAGE * random.nextInt(100), PAGE * random.nextInt(100), 0,
                    PAGE * random.nextInt(10), PAGE, driverPages);
        }

        private EventBody fdClose() {
            List<EventBody> closes = new ArrayList<>();
            state.processes.values().forEach(process -> process.fds().keySet().forEach(fd -> closes.add(new FdClose(process.pid(), fd))));
            return pickOrNull(closes);
        }

        private EventBody handleDelete() {
            List<EventBody> deletes = new ArrayList<>();
            state.files.values().forEach(file -> file.handles().keySet().forEach(handle -> deletes.add(new GemHandleDelete(file.id(), handle))));
            return pickOrNull(deletes);
        }

        private EventBody pinOrUnpin() {
            GemObject object = pickOrNull(state.objects.stream().filter(o -> !o.isCma()).toList());
            if (object == null) {
                return null;
            }
            long pages = object.residentBytes() / PAGE;
            long free = (object.sizeBytes() - object.residentBytes()) / PAGE;
            if (free > 0 && (pages == 0 || random.nextBoolean())) {
                return new GemPin(object.id(), PAGE * (1 + random.nextInt((int) free)));
            }
            return pages == 0 ? null : new GemUnpin(object.id(), PAGE * (1 + random.nextInt((int) pages)));
        }

        private EventBody munmap() {
            List<EventBody> unmaps = new ArrayList<>();
            state.processes.values().forEach(process -> process.mm().mappings().keySet().forEach(object -> unmaps.add(new GemMunmap(process.pid(), object.id()))));
            return pickOrNull(unmaps);
        }

        /** A pid no task has; garbage events may have taken the generator's next one. */
        private int newPid() {
            while (state.tasks.containsKey(nextPid)) {
                nextPid++;
            }
            return nextPid++;
        }

        /** An id no file, object or dma-buf has. */
        private long newId() {
            while (state.files.containsKey(nextId) || state.objects.containsId(nextId) || state.dmaBufs.containsKey(nextId)) {
                nextId++;
            }
            return nextId++;
        }

        /** An event about a random process and one of its free fds; {@code null} without processes. */
        private EventBody fdInProcess(BiFunction<Integer, Integer, EventBody> event) {
            if (state.processes.isEmpty()) {
                return null;
            }
            Process process = state.processes.get(pick(state.processes.keySet()));
            int fd = 3;
            while (process.fds().containsKey(fd)) {
                fd++;
            }
            return event.apply(process.pid(), fd);
        }

        /** An event about a random file and one of its free handles; {@code null} without files. */
        private EventBody handleInFile(BiFunction<Long, Integer, EventBody> event) {
            if (state.files.isEmpty()) {
                return null;
            }
            DrmFile file = state.files.get(pick(state.files.keySet()));
            int handle = 1;
            while (file.handles().containsKey(handle)) {
                handle++;
            }
            return event.apply(file.id(), handle);
        }

        private List<Long> objectIds() {
            return state.objects.stream().map(GemObject::id).toList();
        }

        private <T> T pick(Collection<T> items) {
            return new ArrayList<>(items).get(random.nextInt(items.size()));
        }

        private <T> T pickOrNull(List<T> items) {
            return items.isEmpty() ? null : items.get(random.nextInt(items.size()));
        }
    }
}
