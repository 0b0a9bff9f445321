package io.gemtrack.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** Runs the JMH micro-benchmarks of this module with JMH's own command line, so every JMH option works as documented. */
@Command(name = "jmh",
        description = {"Run the JMH micro-benchmarks (decode, apply per event type, OOM ranking, scrape at 1,000 hosts).",
                "Arguments go to JMH unchanged, e.g. 'gemtrack jmh -f 1 -wi 2 -i 3 Apply' or 'gemtrack jmh -l'."},
        customSynopsis = "Usage: gemtrack jmh [JMH options] [benchmark regexp...]", footer = {"", "JMH's options:"})
public final class JmhCommand implements Callable<Integer> {

    private static final List<String> HELP = List.of("-h", "--help");

    @Spec
    CommandSpec spec;

    /** Everything after {@code jmh}, options included: JMH parses it, not picocli. */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (arguments.stream().anyMatch(HELP::contains)) {
            spec.commandLine().usage(spec.commandLine().getOut());
            spec.commandLine().getOut().flush();
            org.openjdk.jmh.Main.main(new String[] {"-h"});
            return 0;
        }
        org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
        return 0;
    }
}
