package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The screen {@code top} draws, without a terminal: on a narrow one the process table keeps what a kill frees. */
class TopViewTest {

    private static final List<String> POLICIES = List.of("rss", "rfc", "creator", "holder", "resident", "shared");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aWideScreenShowsEveryPolicysColumn() throws Exception {
        List<String> screen = render(130);

        assertThat(header(screen)).contains("RSS", "RFC", "CREATOR", "HOLDER", "RESIDENT", "SHARED", "KILL FREES");
        assertThat(screen).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(130));
    }

    @Test
    void aNarrowScreenShowsTheChosenPolicysColumnAndWhatAKillFrees() throws Exception {
        List<String> screen = render(80);

        assertThat(header(screen)).contains("PID", "COMM", "HOLDER", "KILL FREES").doesNotContain("RSS", "CREATOR", "SHARED");
        String row = screen.stream().filter(line -> line.trim().startsWith("42 leaky-app")).findFirst().orElseThrow();
        assertThat(row).as("the chosen policy's charge, then what a kill frees").containsPattern("3\\.0 MiB +5\\.0 MiB$");
        assertThat(screen).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    private static List<String> render(int columns) throws Exception {
        JsonNode hosts = JSON.readTree("""
                [{"host": "host-0", "gemBytes": 4194304, "gemObjects": 2, "residentBytes": 4194304,
                  "unaccounted": {"holder": 0}, "orphanedBytes": 0, "stale": false, "synchronised": true}]""");
        JsonNode oom = JSON.readTree("""
                {"bestVictim": {"pid": 42, "comm": "leaky-app", "freedBytes": 5242880},
                 "policies": {"holder": {"victim": {"pid": 42, "comm": "leaky-app", "freedBytes": 5242880}, "mismatch": false}}}""");
        JsonNode processes = JSON.readTree("""
                {"processes": [{"pid": 42, "comm": "leaky-app", "freedByKillBytes": 5242880,
                  "charges": {"rss": 1048576, "rfc": 2097152, "creator": 2097152, "holder": 3145728, "resident": 1048576,
                              "shared": 1048576}}]}""");
        return TopView.render("http://127.0.0.1:8080", POLICIES, "holder", TopView.Sort.CHARGED, 0,
                new TopView.Answers(hosts, processes, oom), null, columns, 0).stream().map(AttributedString::toString)
                .map(String::stripTrailing).toList();
    }

    private static String header(List<String> screen) {
        return screen.stream().filter(line -> line.trim().startsWith("PID ")).findFirst().orElseThrow();
    }
}
