package io.gemtrack.cli;

import io.gemtrack.broker.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real terminal for a test: {@code gemtrack} run in a detached tmux session of a given size, whose screen is read
 * with {@code capture-pane} and typed into with {@code send-keys}. Each terminal has a tmux server of its own, so
 * tests never see one another's sessions or a user's.
 */
final class TmuxTerminal implements AutoCloseable {

    private static final AtomicInteger SERVERS = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String server = "gemtrack-test-" + ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet();

    private TmuxTerminal() {
    }

    /** Runs {@code gemtrack ARGUMENTS} on this JVM's class path in a terminal of {@code columns} × {@code rows}. */
    static TmuxTerminal gemtrack(int columns, int rows, List<String> arguments) {
        TmuxTerminal terminal = new TmuxTerminal();
        List<String> java = ChildJvm.builder(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "io.gemtrack.cli.Gemtrack", arguments).command();
        String command = java.stream().map(TmuxTerminal::quoted).collect(Collectors.joining(" "));
        // The pane stays once the command ended, so that its last screen can still be read.
        terminal.tmux("new-session", "-d", "-s", "test", "-x", Integer.toString(columns), "-y", Integer.toString(rows),
                "-e", "TERM=xterm-256color", command);
        terminal.tmux("set-option", "-t", "test", "remain-on-exit", "on");
        return terminal;
    }

    /** The screen as its lines of text, trailing blanks cut. */
    String screen() {
        return tmux("capture-pane", "-p", "-t", "test");
    }

    /** Types {@code keys} as tmux names them ({@code q}, {@code Tab}, {@code C-c}). */
    void type(String... keys) {
        List<String> arguments = new ArrayList<>(List.of("send-keys", "-t", "test"));
        arguments.addAll(List.of(keys));
        tmux(arguments.toArray(String[]::new));
    }

    /** Whether the command in the terminal has ended. */
    boolean ended() {
        return tmux("display-message", "-p", "-t", "test", "#{pane_dead}").strip().equals("1");
    }

    /** Waits until the screen satisfies {@code ready}; returns it. */
    String awaitScreen(String what, Predicate<String> ready) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String screen = screen();
        while (!ready.test(screen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + PATIENCE.toSeconds() + " s; the screen:\n" + screen);
            }
            Thread.sleep(200);
            screen = screen();
        }
        return screen;
    }

    void awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!ended()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the command did not end; the screen:\n" + screen());
            }
            Thread.sleep(200);
        }
    }

    private String tmux(String... arguments) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", server));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Ends the command and the tmux server. */
    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (IllegalStateException e) {
            // Already gone.
        }
    }
}
