package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.broker.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the demo shows in a real terminal (tmux): its addresses, where its log is, and one status line updated in
 * place; the parts' logs go to the file. Without a terminal, the status is a plain line now and then.
 */
class DemoTerminalIT {

    private static final Pattern STATUS = Pattern.compile("([0-9,]+) events · 1 host · GEM [0-9.]+ [KMGT]?i?B · victims differ on 1 of 1 host");

    @Test
    void aTerminalShowsTheAddressesAndOneStatusLineUpdatedInPlaceAndTheLogsGoToTheFile(@TempDir Path directory) throws Exception {
        Path log = directory.resolve("demo.log");
        try (TmuxTerminal terminal = TmuxTerminal.gemtrack(100, 30, List.of("demo", "--http-port", "0", "--hosts", "1",
                "--log", log.toString()))) {
            String first = terminal.awaitScreen("a status line whose policies disagree", screen -> STATUS.matcher(screen).find());
            assertThat(first).contains("gemtrack demo is running", "web view      http://localhost:", "log           " + log);
            assertThat(statusLines(first)).as("status lines on the screen:%n%s", first).hasSize(1);
            long events = events(first);

            String later = terminal.awaitScreen("the status line moving on", screen -> STATUS.matcher(screen).find() && events(screen) > events);
            assertThat(statusLines(later)).as("still one status line:%n%s", later).hasSize(1);
            assertThat(later).doesNotContain("INFO", "produce:", "WARN", "\tat ");

            String logged = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(logged).contains("produce: 1 host(s) running desktop, seed ");

            terminal.type("C-c");
            terminal.awaitEnd();
            assertThat(terminal.screen()).contains("stopping on SIGINT").doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    void withoutATerminalTheStatusIsAPlainLine(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("output.txt");
        Process demo = ChildJvm.builder(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "io.gemtrack.cli.Gemtrack",
                        List.of("demo", "--http-port", "0", "--hosts", "1", "--log", directory.resolve("demo.log").toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (!STATUS.matcher(Files.readString(output)).find() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            String printed = Files.readString(output);
            assertThat(printed).containsPattern(STATUS.pattern() + "\n").doesNotContain("\r", "\u001b", "INFO", "produce:");
        } finally {
            demo.destroy();
            demo.waitFor();
        }
    }

    private static List<String> statusLines(String screen) {
        return screen.lines().filter(line -> line.contains(" events · ")).toList();
    }

    private static long events(String screen) {
        Matcher matcher = STATUS.matcher(screen);
        return matcher.find() ? Long.parseLong(matcher.group(1).replace(",", "")) : -1;
    }
}
