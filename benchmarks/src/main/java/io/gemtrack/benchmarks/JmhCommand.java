package io.gemtrack.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs the JMH micro-benchmarks of this module with JMH's own command line, so every JMH option works as documented. */
@Command(name = "jmh",
        description = {"Run the JMH micro-benchmarks (decode, apply per event type, OOM ranking, scrape at 1,000 hosts).",
                "Arguments go to JMH unchanged, e.g. 'gemtrack jmh -f 1 -wi 2 -i 3 Apply' or 'gemtrack jmh -h'."})
public final class JmhCommand implements Callable<Integer> {

    /** Everything after {@code jmh}, options included: JMH parses it, not picocli. */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
        return 0;
    }
}
