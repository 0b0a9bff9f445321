package io.gemtrack.cli;

import io.gemtrack.collector.procfs.ProcFs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What the collector reads and how often: the options of {@code collect} that {@code local} has too. */
final class SamplingOptions {

    @Option(names = "--interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "Time between samples: a number with ms, s, m or h. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--proc", defaultValue = "/proc", description = "Root of the procfs to read. Default: ${DEFAULT-VALUE}.")
    Path proc;

    @Option(names = "--sys", description = "Root of the sysfs to read. Default: the sys beside --proc (/sys for /proc).")
    Path sys;

    ProcFs procFs() {
        return sys != null ? new ProcFs(proc, sys) : new ProcFs(proc);
    }

    /** These options as {@code collect} takes them. */
    List<String> arguments() {
        List<String> arguments = new ArrayList<>(List.of("--proc", proc.toString(), "--interval", interval.toMillis() + "ms"));
        if (sys != null) {
            arguments.addAll(List.of("--sys", sys.toString()));
        }
        return arguments;
    }
}
