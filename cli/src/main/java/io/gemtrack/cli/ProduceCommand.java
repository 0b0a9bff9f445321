package io.gemtrack.cli;

import io.gemtrack.events.EventCodec;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.producer.EventPump;
import io.gemtrack.producer.scenario.Scenario;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.producer.truth.TruthJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.InterruptException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code gemtrack produce}: runs emulated hosts and emits their events to Kafka, or as JSON lines to stdout. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = ProduceCommand.ScenarioHelp.class,
        description = "Run emulated Linux hosts (a seeded simulation of processes, DRM files, GEM buffers and dma-bufs,"
                + " with the RFC's MM_DRIVERPAGES) and emit their events to Kafka, or to stdout with --dry-run,"
                + " until --events or --duration is reached or Ctrl-C.")
public final class ProduceCommand implements Callable<Integer> {

    static final int MAX_HOSTS = 10_000;
    /** Events printed between checks that stdout still has a reader; each check flushes. */
    private static final int CLOSED_OUTPUT_CHECK_EVERY = 256;
    private final StopRequest stop;

    @Spec
    CommandSpec spec;

    @Mixin
    PublishOptions kafka;

    @Option(names = "--scenario", defaultValue = Scenarios.MIXED, paramLabel = "NAME[,NAME...]",
            description = "What the hosts run (see below); several run side by side. Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(names = "--hosts", defaultValue = "1", description = "Number of emulated hosts, 1 to " + MAX_HOSTS + ". Default: ${DEFAULT-VALUE}.")
    int hosts;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "EVENTS_PER_SECOND|max",
            description = "Events per second over all hosts, or max: as fast as the broker takes them. Default: ${DEFAULT-VALUE}.")
    String rate;

    @Option(names = "--seed", description = "Seed of the simulation: the same seed gives the same events. Default: a random one, printed.")
    Long seed;

    @Option(names = "--events", description = "Stop after this many events (at the end of the action reaching it). Default: no limit.")
    Long events;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Stop after this long: a number with ms, s, m or h. Default: no limit.")
    Duration duration;

    @Option(names = "--snapshot-every", defaultValue = "1000",
            description = "Events of a host between its HostSnapshots (one is always sent at boot); 0: only at boot. Default: ${DEFAULT-VALUE}.")
    long snapshotEvery;

    @Option(names = "--fork-flaw", description = "Emulate the fork flaw found in the RFC's review: fork copies MM_DRIVERPAGES into the child.")
    boolean forkFlaw;

    /** Whose badness the emulated kernels' OOM killers use. */
    enum OomBadness {
        /** Today's kernel: rss, swap and page tables. */
        rss,
        /** A kernel with the RFC: MM_DRIVERPAGES too. */
        rfc
    }

    @Option(names = "--oom-badness", defaultValue = "rss", paramLabel = "rss|rfc",
            description = "The emulated kernels' OOM killer: rss, today's badness (rss, swap, page tables), or rfc, with the"
                    + " RFC's MM_DRIVERPAGES in it. Default: ${DEFAULT-VALUE}.")
    OomBadness oomBadness;

    @Option(names = "--truth", paramLabel = "FILE", description = "At the end, write every host's ground truth to FILE as JSON.")
    Path truth;

    @Option(names = "--dry-run", description = "Print the events as JSON lines to stdout instead of sending them.")
    boolean dryRun;

    /** Runs until a stop signal (see {@link Shutdown}), if no limit comes first. */
    public ProduceCommand() {
        this(Shutdown.stopRequest());
    }

    /** Runs until {@code stop} is made, if no limit comes first. */
    ProduceCommand(StopRequest stop) {
        this.stop = stop;
    }

    /** Lists the scenarios, with what each does, below the options in {@code --help}. */
    static final class ScenarioHelp implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<String> footer = new ArrayList<>(List.of("", "Scenarios (--scenario):"));
            Scenarios.ALL.forEach(scenario -> footer.add(String.format("  %-13s %s", scenario.name(), scenario.description())));
            footer.add(String.format("  %-13s %s", Scenarios.MIXED, "all of the above side by side on every host"));
            footer.add(String.format("  %-13s %s", Scenarios.DESKTOP.name(), Scenarios.DESKTOP.description()));
            spec.usageMessage().footer(footer.toArray(String[]::new));
            return spec;
        }
    }

    /** Checks every option, naming the one that is wrong; {@link #call()} does so before any work. */
    void validate() {
        validatedScenarios();
        validatedRate();
        if (hosts < 1 || hosts > MAX_HOSTS) {
            throw invalid("--hosts", "must be between 1 and " + MAX_HOSTS + ", was " + hosts);
        }
        if (events != null) {
            requireAtLeast("--events", events, 1);
        }
        requireAtLeast("--snapshot-every", snapshotEvery, 0);
    }

    @Override
    public Integer call() throws IOException {
        validate();
        List<Scenario> scenarios = validatedScenarios();
        long perSecond = validatedRate();
        long runSeed = seed != null ? seed : new SplittableRandom().nextLong();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("produce: %d host(s) running %s, seed %d (--seed %d repeats this run)%n", hosts,
                String.join(",", scenarios.stream().map(Scenario::name).toList()), runSeed, runSeed);
        err.flush();
        FleetSimulation fleet = new FleetSimulation(hosts, runSeed, scenarios, forkFlaw, oomBadness == OomBadness.rfc, snapshotEvery);
        EventPump.Limits limits = new EventPump.Limits(events == null ? 0 : events, duration, perSecond);
        EventPump.Totals totals = dryRun ? printEvents(fleet, limits, err) : publishEvents(fleet, limits, err);
        if (truth != null) {
            TruthJson.write(truth, new TruthJson.Dump(runSeed, scenarios.stream().map(Scenario::name).toList(), forkFlaw, fleet.truth()));
            err.printf("produce: ground truth of %d host(s) written to %s%n", hosts, truth);
        }
        err.flush();
        return totals.errors() == 0 ? 0 : 1;
    }

    private EventPump.Totals printEvents(FleetSimulation fleet, EventPump.Limits limits, PrintWriter err) {
        EventCodec codec = new EventCodec();
        PrintWriter out = spec.commandLine().getOut();
        BufferedWriter lines = new BufferedWriter(out, 1 << 16);
        AtomicBoolean readerGone = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        EventPump.Totals totals = runUntil(new EventPump(fleet, event -> {
            try {
                lines.write(codec.encodeToString(event));
                lines.newLine();
                if (written.incrementAndGet() % CLOSED_OUTPUT_CHECK_EVERY == 0) {
                    lines.flush();
                    readerGone.set(out.checkError());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, () -> 0, () -> false, err, "written"), limits, () -> stop.isMade() || readerGone.get());
        try {
            lines.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        err.printf("produce: printed %,d events of %d host(s), %,.0f events/s%s%n", totals.events(), hosts, totals.perSecond(),
                readerGone.get() || out.checkError() ? "; stopped: stdout was closed" : "");
        return totals;
    }

    private EventPump.Totals publishEvents(FleetSimulation fleet, EventPump.Limits limits, PrintWriter err) {
        EventPublisher publisher = kafka.openPublisher();
        EventPump.Totals totals;
        try {
            totals = runUntil(new EventPump(fleet, publisher::publish, publisher::failed, publisher::reconnected, err),
                    limits, stop::isMade);
        } catch (InterruptException e) {
            // Stopped while Kafka waited for room in its buffer or for the broker.
            totals = new EventPump.Totals(publisher.acknowledged() + publisher.failed(), Duration.ZERO, publisher.failed());
        }
        PublishOptions.close(publisher, stop);
        err.printf("produce: sent %,d events of %d host(s) to %s, %,d acknowledged, %,d failed, %,.0f events/s%n",
                totals.events(), hosts, kafka.topic(), publisher.acknowledged(), publisher.failed(), totals.perSecond());
        Exception lastError = publisher.lastError();
        if (lastError != null) {
            err.printf("produce: last error: %s%n", lastError);
        }
        return new EventPump.Totals(totals.events(), totals.elapsed(), publisher.failed());
    }

    /**
     * Runs the pump until a limit, {@code done}, or the stop request, which interrupts it (ending a wait for the broker
     * too) at the next action boundary, so what was produced is flushed and the truth written before the command ends.
     */
    private EventPump.Totals runUntil(EventPump pump, EventPump.Limits limits, BooleanSupplier done) {
        try (StopRequest.Interruption interruption = stop.interruptOnRequest()) {
            return pump.run(limits, done);
        }
    }

    private List<Scenario> validatedScenarios() {
        try {
            return Scenarios.parse(scenario);
        } catch (IllegalArgumentException e) {
            throw invalid("--scenario", e.getMessage());
        }
    }

    /** Events per second, 0 for {@code max}. */
    private long validatedRate() {
        if (rate.equals("max")) {
            return 0;
        }
        try {
            long perSecond = Long.parseLong(rate);
            if (perSecond >= 1) {
                return perSecond;
            }
        } catch (NumberFormatException e) {
            // Named below with the allowed values.
        }
        throw invalid("--rate", "'" + rate + "' is neither a positive number of events per second nor max");
    }

    private void requireAtLeast(String option, long value, long least) {
        if (value < least) {
            throw invalid(option, "must be at least " + least + ", was " + value);
        }
    }

    private CommandLine.ParameterException invalid(String option, String reason) {
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + reason);
    }
}
