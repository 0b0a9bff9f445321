package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.testkit.ApiClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code gemtrack top} in a real terminal (tmux) against the demo's aggregator: the screen names the OOM victim of
 * every policy as the API does, lists the host's processes under the chosen policy, and its keys switch the policy,
 * the sort and the host; q gives the terminal back.
 */
class TopTerminalIT {

    /** Where the figures start: a pid of 8 characters and a name of 17, each with a space; then 13 characters each. */
    private static final int TABLE_START = 26;
    private static final int FIGURE = 13;
    private static final int RFC = 1;
    private static final int KILL_FREES = 6;

    @Test
    void topShowsTheVictimsAndProcessesAndItsKeysSwitchPolicySortAndHost() throws Exception {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--http-port", "0", "--hosts", "2", "--seed", "7");
        demo.validate();
        try (Pipeline pipeline = demo.start()) {
            ApiClient api = new ApiClient(pipeline.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == 2);
            JsonNode oom = api.await("/api/hosts/host-0/oom", answer -> answer.path("policies").path("rfc").path("victim").has("comm"));
            String url = "http://127.0.0.1:" + pipeline.httpPort();
            StringWriter once = new StringWriter();
            CommandLine top = Gemtrack.commandLine();
            top.setOut(new PrintWriter(once, true));
            assertThat(top.execute("top", "--url", url, "--once", "--policy", "holder")).isZero();
            assertThat(once.toString()).contains("policy holder", "OOM victims", "KILL FREES", "browser-renderer")
                    .doesNotContain(TopView.KEYS, "\u001b");
            assertThat(once.toString().lines().filter(String::isBlank).count()).as("blank lines of one screen").isEqualTo(1);

            try (TmuxTerminal terminal = TmuxTerminal.gemtrack(130, 45, List.of("top", "--url", url, "--host", "host-0",
                    "--interval", "500ms"))) {
                String screen = terminal.awaitScreen("top's first screen", text -> text.contains("OOM victims") && text.contains("PID"));
                assertThat(screen).contains("gemtrack top", "host host-0 (1 of 2)", "policy rfc", "sorted by charged under the policy");
                for (String policy : List.of("rss", "rfc")) {
                    JsonNode victim = oom.get("policies").get(policy).get("victim");
                    assertThat(screen).as("the %s victim on the screen:%n%s", policy, screen)
                            .containsPattern(Pattern.quote(policy) + " +" + Pattern.quote(victim.get("comm").asText()) + " +"
                                    + victim.get("pid").asInt());
                }
                assertThat(screen).contains("compositor", "browser", "leaky-app", "KILL FREES");
                assertThat(column(screen, RFC)).as("sorted by what rfc charges:%n%s", screen).isNotEmpty()
                        .isSortedAccordingTo(Comparator.reverseOrder());

                terminal.type("Tab");
                screen = terminal.awaitScreen("the next policy", text -> text.contains("policy resident"));
                terminal.type("1");
                screen = terminal.awaitScreen("policy 1, rss", text -> text.contains("policy rss"));
                terminal.type("s");
                screen = terminal.awaitScreen("sorted by what a kill frees", text -> text.contains("sorted by what a kill frees"));
                assertThat(column(screen, KILL_FREES)).as("sorted by what a kill frees:%n%s", screen).isNotEmpty()
                        .isSortedAccordingTo(Comparator.reverseOrder());
                terminal.type("n");
                terminal.awaitScreen("the second host", text -> text.contains("host host-1 (2 of 2)"));

                terminal.type("q");
                terminal.awaitEnd();
                assertThat(terminal.screen()).doesNotContain("OOM victims", "\tat ", "Exception");
            }
        }
    }

    /** The figures of one column of the process table, in bytes, top to bottom (PID and COMM, then fixed-width figures). */
    private static List<Long> column(String screen, int figure) {
        List<Long> figures = new ArrayList<>();
        boolean inTable = false;
        for (String line : screen.lines().toList()) {
            if (line.trim().startsWith("PID ")) {
                inTable = true;
            } else if (inTable && !line.isBlank() && !line.contains(TopView.KEYS)) {
                int start = TABLE_START + FIGURE * figure;
                figures.add(bytes(line.substring(start, Math.min(line.length(), start + FIGURE)).trim()));
            } else if (inTable) {
                break;
            }
        }
        return figures;
    }

    private static long bytes(String shown) {
        if (shown.equals("0")) {
            return 0;
        }
        String[] valueAndUnit = shown.split(" ");
        int power = List.of("B", "KiB", "MiB", "GiB", "TiB").indexOf(valueAndUnit[1]);
        return (long) (Double.parseDouble(valueAndUnit[0]) * (1L << (10 * power)));
    }
}
