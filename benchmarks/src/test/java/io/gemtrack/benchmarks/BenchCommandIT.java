package io.gemtrack.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The harness end to end at a small size: it must run the Kafka tools and gemtrack and print every figure. It runs on
 * the tests' broker, given as a cluster of one's own would be, so it must also leave none of its topics behind; its
 * embedded broker is the one every other test uses.
 */
@ExtendWith(KafkaExtension.class)
class BenchCommandIT {

    @Test
    void smallRunPrintsBothRatiosAndTheTableAndLeavesNoTopicOrGroupBehind(TestKafka kafka) throws Exception {
        StringWriter out = new StringWriter();
        int status = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).execute("--bootstrap-server",
                kafka.bootstrapServers(), "--events", "5000", "--hosts", "100", "--boot-every", "1000", "--latency-rate", "1000",
                "--latency-seconds", "1", "--objects", "5000");

        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).contains("cluster at " + kafka.bootstrapServers());
        assertThat(ratio(out.toString(), "producer")).isPositive();
        assertThat(ratio(out.toString(), "aggregator")).isPositive();
        assertThat(out.toString()).contains("| CPU while the aggregator was timed, warm / cold: ",
                "| heap bytes per live GEM object (5,000 objects) |",
                "| recovery from a snapshot of 5,000 objects");
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            assertThat(admin.listTopics().names().get()).noneMatch(topic -> topic.startsWith("bench."));
            assertThat(admin.listGroups().all().get()).extracting(GroupListing::groupId).noneMatch(group -> group.startsWith("bench."));
        }
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
