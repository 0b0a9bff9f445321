package io.gemtrack.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The harness end to end at a small size: it must run the Kafka tools and gemtrack and print every figure. */
class BenchCommandIT {

    @Test
    void smallRunPrintsBothRatiosAndTheTable() {
        StringWriter out = new StringWriter();
        int status = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).execute(
                "--events", "5000", "--hosts", "100", "--boot-every", "1000", "--latency-rate", "1000", "--latency-seconds", "1",
                "--objects", "5000");

        assertThat(status).as(out.toString()).isZero();
        assertThat(ratio(out.toString(), "producer")).isPositive();
        assertThat(ratio(out.toString(), "aggregator")).isPositive();
        assertThat(out.toString()).contains("| CPU while the aggregator was timed, warm / cold: ",
                "| heap bytes per live GEM object (5,000 objects) |",
                "| recovery from a snapshot of 5,000 objects");
    }

    @Test
    void nonPositiveSizeIsRefusedNamingTheOption() {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err)).execute("--events", "0");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--events': must be a positive number, was 0");
    }

    private static double ratio(String output, String part) {
        Matcher matcher = Pattern.compile(part + ":\\s+([\\d.]+) x ").matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
