package io.gemtrack.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.Bounds;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
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
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.EventStamper;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.ModelInvariants;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.OutOfBoundsRecord;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Hostile streams, as a producer that means harm would send them: valid events mixed with values at and beyond every
 * bound, sizes near the byte bound pinned twice, thousands of such objects or holders at once (sums beyond a
 * {@code long}), mappings at the bound of one mm, sequence numbers near their bound, new boots, snapshots that are
 * rejected or replace everything, and references to what does not exist. Each stream goes through the codec and the
 * model, a checkpoint round trip (a restart) now and then, and the aggregator's scrape, and these must hold:
 * <ul>
 * <li>no exception escapes: a record is applied, rejected, skipped, or a dead letter, and every host can be
 *     checkpointed, restored and scraped; a record beyond a bound never reaches the model;</li>
 * <li>every counter and gauge is non-negative, in the model and in the scrape;</li>
 * <li>every host equals its fold (its incremental figures are the from-scratch oracle's, its checkpoint restores to
 *     the same model, and a host that went through restarts is the one that did not), or is quarantined with a
 *     reason;</li>
 * <li>the scrape is valid exposition text.</li>
 * </ul>
 */
class HostileStreamTest {

    private static final long PAGE = EventBody.PAGE_SIZE;
    private static final String[] HOSTS = {"hostile-0", "hostile-1"};
    private static final String[] REGIONS = {"vram", "cma", "system", "gtt"};

    /** What a step of a stream does; each draws what it needs from the step's pick, size and count. */
    enum Kind {
        FORK, THREAD, EXEC, EXIT, OPEN, FD_DUP, FD_CLOSE, FILE_CLOSE, DEVICE, CREATE, HANDLE, HANDLE_DELETE, PIN, PIN_REST,
        UNPIN, MMAP, MUNMAP, FREE, EXPORT, DMA_BUF_FD, IMPORT, RELEASE, COUNTERS, MEMORY, OOM_SCORE_ADJ, OOM_KILL,
        SNAPSHOT_OF_ITSELF, SNAPSHOT_REJECTED, SNAPSHOT_MAPPED_TO_THE_BOUND, NEW_BOOT, NEW_BOOT_WITH_REJECTED_SNAPSHOT,
        SEQ_NEAR_ITS_BOUND, BEYOND_A_BOUND, CREATE_MANY, FORK_MANY, MMAP_MANY, RESTART
    }

    /**
     * One step of a stream.
     *
     * @param pick  which existing pid, file, object or dma-buf the step is about (the last choice: one that never existed)
     * @param size  a byte count, from the few the bounds make interesting
     * @param count how many times a step of the {@code _MANY} kinds repeats
     */
    record Step(Kind kind, int host, int pick, long size, int count) {
    }

    @Property(tries = 200)
    void noRecordStopsTheFoldTheCheckpointsOrTheScrape(@ForAll("streams") List<Step> steps) throws Exception {
        Stream stream = new Stream();
        for (Step step : steps) {
            stream.play(step);
        }
        stream.checkEverything();
    }

    @Provide
    Arbitrary<List<Step>> streams() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(6, Kind.FORK), Tuple.of(2, Kind.THREAD), Tuple.of(1, Kind.EXEC), Tuple.of(1, Kind.EXIT),
                Tuple.of(5, Kind.OPEN), Tuple.of(2, Kind.FD_DUP), Tuple.of(1, Kind.FD_CLOSE), Tuple.of(1, Kind.FILE_CLOSE),
                Tuple.of(2, Kind.DEVICE), Tuple.of(8, Kind.CREATE), Tuple.of(2, Kind.HANDLE), Tuple.of(1, Kind.HANDLE_DELETE),
                Tuple.of(5, Kind.PIN), Tuple.of(3, Kind.PIN_REST), Tuple.of(2, Kind.UNPIN), Tuple.of(3, Kind.MMAP),
                Tuple.of(1, Kind.MUNMAP), Tuple.of(1, Kind.FREE), Tuple.of(2, Kind.EXPORT), Tuple.of(1, Kind.DMA_BUF_FD),
                Tuple.of(1, Kind.IMPORT), Tuple.of(1, Kind.RELEASE), Tuple.of(2, Kind.COUNTERS), Tuple.of(1, Kind.MEMORY),
                Tuple.of(1, Kind.OOM_SCORE_ADJ), Tuple.of(1, Kind.OOM_KILL), Tuple.of(1, Kind.SNAPSHOT_OF_ITSELF),
                Tuple.of(1, Kind.SNAPSHOT_REJECTED), Tuple.of(1, Kind.SNAPSHOT_MAPPED_TO_THE_BOUND), Tuple.of(1, Kind.NEW_BOOT),
                Tuple.of(1, Kind.NEW_BOOT_WITH_REJECTED_SNAPSHOT), Tuple.of(1, Kind.SEQ_NEAR_ITS_BOUND),
                Tuple.of(3, Kind.BEYOND_A_BOUND), Tuple.of(2, Kind.CREATE_MANY), Tuple.of(2, Kind.FORK_MANY),
                Tuple.of(1, Kind.MMAP_MANY), Tuple.of(1, Kind.RESTART));
        Arbitrary<Long> sizes = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(Bounds.MAX_BYTES, Bounds.MAX_BYTES - PAGE)),
                Tuple.of(1, Arbitraries.of(Bounds.MAX_BYTES / 2 / PAGE * PAGE, (Bounds.MAX_BYTES / 2 / PAGE + 1) * PAGE)),
                Tuple.of(2, Arbitraries.longs().between(1, 256).map(pages -> pages * PAGE)),
                Tuple.of(1, Arbitraries.longs().between(1, Bounds.MAX_PAGES).map(pages -> pages * PAGE)));
        // Enough objects or holders at the byte bound to take a sum past 2^63, and a handful otherwise.
        Arbitrary<Integer> counts = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(2, 20)),
                Tuple.of(1, Arbitraries.integers().between(2_050, 2_300)));
        Arbitrary<Step> steps = Combinators.combine(kinds, Arbitraries.integers().between(0, HOSTS.length - 1),
                Arbitraries.integers().between(0, 7), sizes, counts).as(Step::new);
        return steps.list().ofMinSize(1).ofMaxSize(60);
    }

    /** The aggregator's view of a hostile stream: what it folded, and the same after restarts. */
    private static final class Stream {

        private final EventCodec codec = new EventCodec();
        private final CheckpointCodec checkpoints = new CheckpointCodec();
        private final List<Feed> feeds = new ArrayList<>();
        /** Folds every record, never restarted. */
        private final FleetModel fleet = new FleetModel();
        /** Folds every record too, and is restored from its own checkpoints at every {@link Kind#RESTART}. */
        private FleetModel restarted = new FleetModel();
        private long clock;

        Stream() {
            for (String host : HOSTS) {
                feeds.add(new Feed(host));
            }
        }

        void play(Step step) throws Exception {
            Feed feed = feeds.get(step.host());
            switch (step.kind()) {
                case RESTART -> restart();
                case CREATE_MANY -> {
                    int owner = feed.newPid();
                    long file = feed.newFile();
                    send(feed, new ProcessFork(owner, 1, "owner", false));
                    send(feed, new DrmFileOpen(owner, feed.newFd(), file, 0));
                    for (int i = 0; i < step.count(); i++) {
                        long object = feed.newObject();
                        send(feed, new GemCreate(object, 0, REGIONS[step.pick() % 2 * 2], step.size(), owner, file, feed.newHandle()));
                        send(feed, new GemPin(object, step.size()));
                    }
                }
                case FORK_MANY -> {
                    int parent = feed.newPid();
                    long file = feed.newFile();
                    long object = feed.newObject();
                    send(feed, new ProcessFork(parent, 1, "parent", false));
                    send(feed, new DrmFileOpen(parent, feed.newFd(), file, 0));
                    send(feed, new GemCreate(object, 0, "system", step.size(), parent, file, feed.newHandle()));
                    send(feed, new GemPin(object, step.size()));
                    send(feed, new GemMmap(parent, object));
                    for (int i = 0; i < step.count(); i++) {
                        send(feed, new ProcessFork(feed.newPid(), parent, "child", false));
                    }
                }
                case MMAP_MANY -> {
                    int pid = feed.pid(step.pick());
                    long object = feed.object(step.pick() + 1);
                    for (int i = 0; i < Math.min(step.count(), 30); i++) {
                        send(feed, new GemMmap(pid, object));
                    }
                }
                case SNAPSHOT_OF_ITSELF -> {
                    HostModel model = fleet.host(feed.host);
                    if (model != null && model.quarantineReason().isEmpty()) {
                        send(feed, model.checkpoint().state());
                    }
                }
                case SNAPSHOT_REJECTED -> sendRejectedSnapshot(feed);
                case NEW_BOOT_WITH_REJECTED_SNAPSHOT -> {
                    feed.reboot(step.pick());
                    sendRejectedSnapshot(feed);
                }
                case SNAPSHOT_MAPPED_TO_THE_BOUND -> {
                    int pid = feed.newPid();
                    long file = feed.newFile();
                    long object = feed.newObject();
                    send(feed, new HostSnapshot(new HostMemory(step.size(), 0), List.of(),
                            List.of(new SnapshotProcess(pid, 1, "mapper", List.of(), 0, new MmCounters(pid, 0, 0, 0, 0, 0, 0),
                                    List.of(new SnapshotFd(3, file, 0)), List.of(new SnapshotMapping(object, Bounds.MAX_MAPPINGS - step.pick())))),
                            List.of(new SnapshotFile(file, 0, List.of(new SnapshotHandle(1, object)))),
                            List.of(new SnapshotObject(object, 0, "vram", step.size(), pid, true, 0)), List.of(), List.of()));
                    // Past the bound of one mm by a few mappings, and the counts copied by a fork.
                    for (int i = 0; i <= step.count() % 10; i++) {
                        send(feed, new GemMmap(pid, object));
                    }
                    send(feed, new ProcessFork(feed.newPid(), pid, "copy", false));
                }
                case NEW_BOOT -> feed.reboot(0);
                case SEQ_NEAR_ITS_BOUND -> feed.jumpTo(Bounds.MAX_SEQ - step.pick());
                case BEYOND_A_BOUND -> sendBeyondABound(feed, step);
                default -> send(feed, body(feed, step));
            }
        }

        /** The event of a step that is one event, with references that may or may not exist. */
        private EventBody body(Feed feed, Step step) {
            int pick = step.pick();
            long size = step.size();
            return switch (step.kind()) {
                case FORK -> new ProcessFork(feed.newPid(), pick == 0 ? 1 : feed.pid(pick), "p" + pick, false);
                case THREAD -> new ProcessFork(feed.newPid(), feed.pid(pick), "t", true);
                case EXEC -> new ProcessExec(feed.pid(pick), "e" + pick);
                case EXIT -> new ProcessExit(feed.pid(pick));
                case OPEN -> new DrmFileOpen(feed.pid(pick), feed.newFd(), feed.newFile(), pick % 2);
                case FD_DUP -> new FdInstall(feed.pid(pick), feed.newFd(), feed.file(pick + 1), FdOrigin.DUP);
                case FD_CLOSE -> new FdClose(feed.pid(pick), pick < 6 ? feed.fd(pick) : feed.newFd());
                case FILE_CLOSE -> new DrmFileClose(feed.file(pick));
                case DEVICE -> new DrmDeviceAdded(pick % 3, "driver" + pick,
                        List.of(new Region("vram", size), new Region("cma", Bounds.MAX_BYTES - size + PAGE)));
                case CREATE -> new GemCreate(feed.newObject(), pick % 2, REGIONS[pick % REGIONS.length], size, feed.pid(pick),
                        feed.file(pick), feed.newHandle());
                case HANDLE -> new GemHandleCreate(feed.file(pick), feed.newHandle(), feed.object(pick + 1));
                case HANDLE_DELETE -> new GemHandleDelete(feed.file(pick), 1 + pick);
                case PIN -> new GemPin(feed.object(pick), size);
                case PIN_REST -> pinTheRest(feed, feed.object(pick), size);
                case UNPIN -> new GemUnpin(feed.object(pick), size);
                case MMAP -> new GemMmap(feed.pid(pick), feed.object(pick + 1));
                case MUNMAP -> new GemMunmap(feed.pid(pick), feed.object(pick + 1));
                case FREE -> new GemFree(feed.object(pick));
                case EXPORT -> new DmaBufExport(feed.object(pick), feed.newInode(), feed.pid(pick + 1), feed.newFd());
                case DMA_BUF_FD -> new DmaBufFdInstall(feed.pid(pick), feed.newFd(), feed.inode(pick + 1), FdOrigin.UNIX_SOCKET);
                case IMPORT -> new DmaBufImport(feed.inode(pick), feed.file(pick + 1), feed.newHandle());
                case RELEASE -> new DmaBufRelease(feed.inode(pick));
                case COUNTERS -> new MmCounters(feed.pid(pick), size, size, Bounds.MAX_BYTES, size, size,
                        pick % 2 == 0 ? Bounds.MAX_PAGES : -Bounds.MAX_PAGES);
                case MEMORY -> new HostMemory(size, Bounds.MAX_BYTES);
                case OOM_SCORE_ADJ -> new OomScoreAdj(feed.pid(pick), pick % 2 == 0 ? 1000 : -1000);
                case OOM_KILL -> new OomKill(feed.pid(pick), Bounds.MAX_OOM_PAGES, Bounds.MAX_OOM_PAGES);
                default -> throw new AssertionError(step.kind());
            };
        }

        /** A pin of what is left of the object (the whole of a size near the bound, pinned twice), or of {@code size}. */
        private GemPin pinTheRest(Feed feed, long id, long size) {
            HostModel model = fleet.host(feed.host);
            GemObject object = model == null ? null : model.object(id);
            long rest = object == null ? 0 : object.sizeBytes() - object.residentBytes();
            return new GemPin(id, rest > 0 ? rest : size);
        }

        /** A snapshot whose fd names a file it does not have: rejected, and the host stays exactly as it was. */
        private void sendRejectedSnapshot(Feed feed) throws Exception {
            HostModel before = fleet.host(feed.host);
            HostSnapshot stateBefore = before == null || before.quarantineReason().isPresent() ? null : before.checkpoint().state();
            String bootBefore = before == null ? null : before.bootId();
            int pid = feed.newPid();
            ApplyResult result = send(feed, new HostSnapshot(new HostMemory(PAGE, 0), List.of(),
                    List.of(new SnapshotProcess(pid, 1, "x", List.of(), 0, new MmCounters(pid, 0, 0, 0, 0, 0, 0),
                            List.of(new SnapshotFd(3, feed.newId(), 0)), List.of())), List.of(), List.of(), List.of(), List.of()));
            assertThat(result).isInstanceOf(ApplyResult.Rejected.class);
            if (stateBefore != null) {
                assertThat(fleet.host(feed.host).checkpoint().state()).as("the state after a rejected snapshot").isEqualTo(stateBefore);
                assertThat(fleet.host(feed.host).bootId()).as("the boot after a rejected snapshot").isEqualTo(bootBefore);
            }
        }

        /**
         * A valid record with one value beyond its bound: the codec must make it a dead letter, whatever the value. The
         * stamper numbered it, so the host sees a gap after it, as it would if the record were lost.
         */
        private void sendBeyondABound(Feed feed, Step step) {
            int pid = feed.pid(step.pick());
            List<Beyond> candidates = List.of(
                    new Beyond(new GemCreate(feed.newId(), 0, "vram", PAGE, pid, feed.file(0), feed.newHandle()), "sizeBytes",
                            Long.toString(Bounds.MAX_BYTES + PAGE), "9223372036854771712"),
                    new Beyond(new GemPin(feed.object(step.pick()), PAGE), "bytes", Long.toString(Bounds.MAX_BYTES + PAGE),
                            Long.toString(Long.MAX_VALUE)),
                    new Beyond(new ProcessFork(feed.newPid(), pid, "c", false), "seq", Long.toString(Bounds.MAX_SEQ + 1),
                            Long.toString(Long.MAX_VALUE)),
                    new Beyond(new ProcessFork(feed.newPid(), pid, "c", false), "ts", Long.toString(Bounds.MAX_TS + 1)),
                    new Beyond(new ProcessFork(feed.newPid(), pid, "c", false), "pid", Integer.toString(Integer.MAX_VALUE)),
                    new Beyond(new ProcessFork(feed.newPid(), pid, "c", false), "comm", "\"" + "x".repeat(Bounds.MAX_COMM_BYTES + 1) + "\"",
                            "\"" + "\\ud800" + "\""),
                    new Beyond(new ProcessFork(feed.newPid(), pid, "c", false), "host", "\"rack/7\"", "\"\\udc00\"",
                            "\"" + "h".repeat(Bounds.MAX_HOST_BYTES + 1) + "\""),
                    new Beyond(new MmCounters(pid, 0, 0, 0, 0, 0, 0), "driverPages", Long.toString(Bounds.MAX_PAGES + 1),
                            Long.toString(-Bounds.MAX_PAGES - 1)),
                    new Beyond(new HostMemory(PAGE, 0), "memTotalBytes", Long.toString(Bounds.MAX_BYTES + PAGE)),
                    new Beyond(new GemFree(feed.object(step.pick())), "object", Long.toString(Bounds.MAX_ID + 1)),
                    new Beyond(new HostSnapshot(new HostMemory(PAGE, 0), List.of(), List.of(new SnapshotProcess(pid, 1, "m", List.of(), 0,
                            new MmCounters(pid, 0, 0, 0, 0, 0, 0), List.of(), List.of(new SnapshotMapping(1, 1)))), List.of(),
                            List.of(), List.of(), List.of()), "count", Integer.toString(Bounds.MAX_MAPPINGS + 1), Integer.toString(Integer.MAX_VALUE)));
            Beyond beyond = candidates.get((int) ((step.size() / PAGE + step.count()) % candidates.size()));
            String value = beyond.values().get(step.pick() % beyond.values().size());
            byte[] record = OutOfBoundsRecord.of(feed.stamp(clock += 1_000, beyond.body()), beyond.field(), value);
            assertThatThrownBy(() -> codec.decode(record)).as("%s %s beyond its bound", beyond.field(), value)
                    .isInstanceOfSatisfying(MalformedEventException.class, malformed -> assertThat(malformed.kind())
                            .isIn(MalformedEventException.Kind.OUT_OF_BOUNDS, MalformedEventException.Kind.INVALID_VALUE));
        }

        /** An event whose {@code field} is made each of {@code values} (JSON text) in turn. */
        private record Beyond(EventBody body, String field, List<String> values) {
            Beyond(EventBody body, String field, String... values) {
                this(body, field, List.of(values));
            }
        }

        /** Sends the event as a record: encoded, decoded as the consumer does, and applied to both fleets. */
        private ApplyResult send(Feed feed, EventBody body) throws MalformedEventException {
            Event event = codec.decode(codec.encode(feed.stamp(clock += 1_000, body)));
            ApplyResult result = fleet.apply(event);
            restarted.apply(event);
            return result;
        }

        /**
         * What an aggregator's restart does to the hosts: each checkpointed (a quarantined one as its bookkeeping, with
         * its quarantine beside it), encoded, decoded and restored. Every property is checked before.
         */
        private void restart() throws IOException {
            checkEverything();
            FleetModel restored = new FleetModel();
            for (HostModel host : restarted.hosts()) {
                HostCheckpoint checkpoint = host.quarantineReason().isPresent() ? host.checkpointWithoutState() : host.checkpoint();
                HostModel back = HostModel.restore(checkpoints.decode(checkpoints.encode(checkpoint)));
                host.quarantineReason().ifPresent(back::quarantine);
                restored.put(back);
            }
            restarted = restored;
        }

        void checkEverything() throws IOException {
            for (HostModel host : fleet.hosts()) {
                assertNothingNegative(host);
                host.quarantineReason().ifPresentOrElse(reason -> assertThat(reason).as("why %s is quarantined", host.host()).isNotBlank(),
                        () -> assertEqualsItsFold(host));
            }
            for (HostModel host : restarted.hosts()) {
                assertNothingNegative(host);
                HostModel uninterrupted = fleet.host(host.host());
                if (host.quarantineReason().isEmpty() && uninterrupted.quarantineReason().isEmpty()) {
                    assertThat(checkpoints.encode(host.checkpoint())).as("%s after restarts, against the fold without", host.host())
                            .isEqualTo(checkpoints.encode(uninterrupted.checkpoint()));
                }
            }
            assertValidNonNegativeExposition(scrape(fleet));
            assertValidNonNegativeExposition(scrape(restarted));
        }

        /** Its incremental figures are the from-scratch oracle's, and its checkpoint restores to the same model. */
        private void assertEqualsItsFold(HostModel host) {
            ModelInvariants.check(host);
            byte[] checkpoint = checkpoints.encode(host.checkpoint());
            try {
                assertThat(checkpoints.encode(HostModel.restore(checkpoints.decode(checkpoint)).checkpoint()))
                        .as("%s restored from its checkpoint", host.host()).isEqualTo(checkpoint);
            } catch (IOException e) {
                throw new AssertionError("the checkpoint of " + host.host() + " does not decode", e);
            }
        }

        private static void assertNothingNegative(HostModel host) {
            Ledger ledger = host.ledger();
            List<Long> figures = new ArrayList<>(List.of(ledger.objects(), ledger.gemBytes(), ledger.residentBytes(),
                    ledger.orphanedBytes(), host.sequenceGaps(), host.skippedEvents(), host.counterMismatches(), host.totalPages(),
                    host.lastSeq() + 1));
            for (Policy policy : Policy.all()) {
                figures.addAll(List.of(ledger.charged(policy), ledger.unaccounted(policy), ledger.overcharged(policy)));
                for (OomCandidate candidate : OomAdvisor.rank(host, policy).candidates()) {
                    figures.addAll(List.of(candidate.chargedBytes(), candidate.badnessPages(), candidate.freedBytes()));
                }
            }
            for (RegionUsage region : ledger.regions()) {
                figures.addAll(List.of(region.objects(), region.gemBytes(), region.residentBytes()));
            }
            for (Process process : host.processes()) {
                for (Policy policy : Policy.all()) {
                    figures.add(process.charged(policy));
                }
            }
            for (GemObject object : host.objects()) {
                figures.addAll(List.of(object.residentBytes(), object.sizeBytes() - object.residentBytes(), (long) object.handles(),
                        (long) object.dmaBufs(), object.mappings()));
            }
            assertThat(figures).as("the figures of %s", host.host()).allSatisfy(figure -> assertThat(figure).isNotNegative());
        }

        /** The hosts' series, as {@code /metrics} has them (the pipeline's and the JVM's are no business of the stream). */
        private static Exposition scrape(FleetModel fleet) {
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(new FleetCollector(new SharedFleet(fleet), new HostActivity(HostActivity.Expiry.DEFAULT), AggregatorMetrics.DEFAULT_TOP_PROCESSES));
            return Scrape.of(registry);
        }

        /** Parsed back already (a line it cannot read fails); here: declared types, one sample per series, no value below 0. */
        private static void assertValidNonNegativeExposition(Exposition scrape) {
            Set<String> typed = new HashSet<>();
            Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) (counter|gauge)$").matcher(scrape.text());
            while (type.find()) {
                typed.add(type.group(1));
            }
            Set<String> series = new HashSet<>();
            for (Exposition.Sample sample : scrape.samples()) {
                String family = sample.name().replaceFirst("_(total|bucket|count|sum|created)$", "");
                assertThat(typed).as("a TYPE line for %s", sample.name()).containsAnyOf(family, sample.name());
                assertThat(series.add(sample.name() + sample.labels())).as("one sample of %s%s", sample.name(), sample.labels()).isTrue();
                if (sample.name().startsWith("gemtrack_")) {
                    assertThat(sample.value()).as("%s%s", sample.name(), sample.labels()).isNotNegative().isNotNaN();
                }
            }
        }
    }

    /** One host's side of the stream: its boot and sequence, and every id it has used, alive or not. */
    private static final class Feed {
        private final String host;
        private final List<Integer> pids = new ArrayList<>();
        private final List<Integer> fds = new ArrayList<>();
        private final List<Long> files = new ArrayList<>();
        private final List<Long> objects = new ArrayList<>();
        private final List<Long> inodes = new ArrayList<>();
        private int boots;
        private EventStamper stamper;
        private int nextPid = 100;
        private int nextFd = 3;
        private int nextHandle = 1;
        private long nextId = 1;

        Feed(String host) {
            this.host = host;
            this.stamper = new EventStamper(host, "boot-0");
        }

        /** The event with the next seq; past the bound of seq (or past a long), the host boots again, as it would have to. */
        Event stamp(long ts, EventBody body) {
            if (stamper.nextSeq() > Bounds.MAX_SEQ || stamper.nextSeq() < 0) {
                reboot(0);
            }
            return stamper.stamp(ts, body);
        }

        /** A new boot, at seq 0 or (for a snapshot) beyond. */
        void reboot(int firstSeq) {
            stamper = new EventStamper(host, "boot-" + ++boots, firstSeq);
        }

        void jumpTo(long seq) {
            stamper = new EventStamper(host, stamper.bootId(), seq);
        }

        int newPid() {
            pids.add(nextPid);
            return nextPid++;
        }

        int newFd() {
            fds.add(nextFd);
            return nextFd++;
        }

        int newHandle() {
            return nextHandle++;
        }

        long newId() {
            return nextId++;
        }

        long newFile() {
            long file = newId();
            files.add(file);
            return file;
        }

        long newObject() {
            long object = newId();
            objects.add(object);
            return object;
        }

        long newInode() {
            long inode = newId();
            inodes.add(inode);
            return inode;
        }

        /** An id used before, chosen by {@code pick}; pick 7, or none used yet, gives one never used. */
        int pid(int pick) {
            return pick == 7 || pids.isEmpty() ? Bounds.MAX_PID : pids.get(pick % pids.size());
        }

        int fd(int pick) {
            return fds.isEmpty() ? 0 : fds.get(pick % fds.size());
        }

        long file(int pick) {
            return chosen(files, pick);
        }

        long object(int pick) {
            return chosen(objects, pick);
        }

        long inode(int pick) {
            return chosen(inodes, pick);
        }

        private static long chosen(List<Long> ids, int pick) {
            return pick % 8 == 7 || ids.isEmpty() ? Bounds.MAX_ID : ids.get(pick % ids.size());
        }
    }
}
