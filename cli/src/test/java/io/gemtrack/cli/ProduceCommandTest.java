package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gemtrack.events.Event;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.testkit.EventLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProduceCommandTest {

    private final CapturedCommandLine cli = new CapturedCommandLine(() -> new CommandLine(new ProduceCommand()));

    private List<Event> printedEvents() throws MalformedEventException {
        return EventLines.decode(cli.out.toString());
    }

    @Test
    void helpNamesEveryFlagAndEveryScenario() {
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out.toString()).contains("--scenario", "--hosts", "--rate", "--seed", "--events", "--duration",
                "--snapshot-every", "--fork-flaw", "--truth", "--bootstrap-server", "--dry-run");
        Scenarios.names().forEach(name -> assertThat(cli.out.toString()).contains(name));
    }

    @Test
    void anUnknownScenarioIsNamedWithTheKnownOnes() {
        assertThat(cli.run("--dry-run", "--scenario", "compositor,gaming")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--scenario", "unknown scenario 'gaming'",
                "compositor, video, ml, browser, leak, creator-exit, fork-heavy, mixed");
    }

    @Test
    void badNumbersNameTheirFlagAndWhatIsAllowed() {
        assertThat(cli.run("--dry-run", "--hosts", "0")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("'--hosts': must be between 1 and 10000, was 0");
        assertThat(cli.run("--dry-run", "--hosts", "10001")).isEqualTo(2);
        assertThat(cli.run("--dry-run", "--rate", "fast")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("'--rate': 'fast' is neither a positive number of events per second nor max");
        assertThat(cli.run("--dry-run", "--events", "0")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("'--events': must be at least 1, was 0");
        assertThat(cli.run("--dry-run", "--duration", "soon")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--duration", "'soon' is not a positive interval like 500ms, 5s, 2m or 1h");
        assertThat(cli.run("--dry-run", "--snapshot-every", "-1")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("'--snapshot-every': must be at least 0, was -1");
    }

    @Test
    void aDryRunPrintsTheSameEventsForTheSameSeedAndStopsAtAnActionBoundary() throws MalformedEventException {
        assertThat(cli.run("--dry-run", "--rate", "max", "--hosts", "3", "--seed", "11", "--events", "2000", "--fork-flaw")).isZero();
        String first = cli.out.toString();
        List<Event> events = printedEvents();
        assertThat(events.size()).isBetween(2000, 2300);
        assertThat(events).extracting(Event::host).containsOnly("host-0", "host-1", "host-2");
        assertThat(cli.err.toString()).contains("seed 11");

        cli.out.getBuffer().setLength(0);
        assertThat(cli.run("--dry-run", "--rate", "max", "--hosts", "3", "--seed", "11", "--events", "2000", "--fork-flaw")).isZero();
        assertThat(cli.out.toString()).isEqualTo(first);
    }

    @Test
    void theTruthFileDescribesEveryHostAfterItsLastEvent(@TempDir Path directory) throws IOException, MalformedEventException {
        Path truthFile = directory.resolve("truth.json");
        assertThat(cli.run("--dry-run", "--rate", "max", "--hosts", "2", "--seed", "3", "--events", "3000", "--scenario", "compositor,leak",
                "--truth", truthFile.toString())).isZero();

        Map<String, Long> lastSeq = new HashMap<>();
        printedEvents().forEach(event -> lastSeq.put(event.host(), event.seq()));
        JsonNode truth = JsonMapper.builder().build().readTree(truthFile.toFile());
        assertThat(truth.get("seed").asLong()).isEqualTo(3);
        assertThat(truth.get("scenarios")).extracting(JsonNode::asText).containsExactly("compositor", "leak");
        assertThat(truth.get("hosts")).hasSize(2);
        for (JsonNode host : truth.get("hosts")) {
            assertThat(host.get("seq").asLong()).isEqualTo(lastSeq.get(host.get("host").asText()));
            assertThat(host.get("processes").get(0).get("charged").fieldNames()).toIterable()
                    .containsExactly("rss", "rfc", "resident", "proportional", "holder", "freeable");
            assertThat(host.get("objects")).isNotEmpty();
        }
    }

    @Test
    void aRateIsHeld() {
        long start = System.nanoTime();
        assertThat(cli.run("--dry-run", "--rate", "2000", "--seed", "1", "--events", "2000")).isZero();
        assertThat((System.nanoTime() - start) / 1e9).as("seconds for 2,000 events at 2,000/s").isBetween(0.8, 3.0);
    }
}
