package io.gemtrack.reliability;

import io.gemtrack.broker.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code gemtrack} command in a JVM of its own, started as a shell with job control starts a command: as the leader
 * of a process group of its own, with SIGINT and SIGTERM at their default disposition. Both matter to a test that
 * signals it. The group lets the test signal the command with everything it started, as Ctrl-C in a terminal and a
 * service manager do, and never the test's own JVM. The disposition matters because a process started in the
 * background by a non-interactive shell (a CI job, a script) has SIGINT ignored, which its children, this JVM and a
 * JVM started from it inherit, and a JVM keeps ignoring it: without the reset a test of Ctrl-C could pass because
 * nothing was delivered. {@link #ignores} shows the disposition the command really has.
 */
final class CommandProcess implements AutoCloseable {

    /** A stop signal and its number. */
    enum StopSignal {
        INT(2), TERM(15);

        final int number;

        StopSignal(int number) {
            this.number = number;
        }
    }

    /** Who a signal is sent to. */
    enum Target {
        /** The command's process alone, as {@code kill PID} does. */
        PROCESS,
        /** Its whole process group, as Ctrl-C in a terminal does, and a service manager stopping a service. */
        GROUP
    }

    /** Perl is in every Debian (perl-base); unlike bash's {@code trap}, it resets a signal ignored on entry. */
    private static final String NEW_GROUP_DEFAULT_SIGNALS = "use POSIX; POSIX::setsid() or die \"setsid: $!\";"
            + " $SIG{INT} = $SIG{TERM} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"";
    private static final Duration POLL = Duration.ofMillis(50);

    private final Process process;
    private final Path log;
    private final String description;

    private CommandProcess(Process process, Path log, String description) {
        this.process = process;
        this.log = log;
        this.description = description;
    }

    /** Starts {@code gemtrack ARGUMENTS} on this JVM's class path, its output (both streams) written to {@code log}. */
    static CommandProcess start(Path log, List<String> arguments) throws IOException {
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of("perl", "-e", NEW_GROUP_DEFAULT_SIGNALS, "--"));
        command.addAll(ChildJvm.builder(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "io.gemtrack.cli.Gemtrack", arguments).command());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new CommandProcess(process, log, "gemtrack " + String.join(" ", arguments));
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the output matches {@code pattern}, and returns the match, so a test can read what it printed. */
    Matcher awaitOutput(Pattern pattern, Duration timeout) throws InterruptedException {
        return Await.until(description + " to print /" + pattern + "/ (see " + log + ")", timeout, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(description + " exited with status " + process.exitValue() + "; see " + log);
            }
            return pattern.matcher(output());
        }, Matcher::find);
    }

    /** Whether process {@code pid} ignores {@code signal}, from the kernel's own record ({@code SigIgn}, bit n-1 for signal n). */
    static boolean ignores(long pid, StopSignal signal) throws IOException {
        return (statusMask(pid, "SigIgn") & (1L << (signal.number - 1))) != 0;
    }

    /** Whether process {@code pid} has a handler of its own for {@code signal} ({@code SigCgt}). */
    static boolean catches(long pid, StopSignal signal) throws IOException {
        return (statusMask(pid, "SigCgt") & (1L << (signal.number - 1))) != 0;
    }

    private static long statusMask(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
            }
        }
        throw new IllegalStateException("/proc/" + pid + "/status has no " + field);
    }

    /** The processes of the command's process group that still run (zombies, which hold nothing, left out). */
    List<Long> group() throws IOException {
        List<Long> members = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path directory : processes) {
                readStat(directory).filter(stat -> stat.group() == pid() && stat.state() != 'Z')
                        .ifPresent(stat -> members.add(Long.parseLong(directory.getFileName().toString())));
            }
        }
        return members;
    }

    /** {@code state} and {@code pgrp}, fields 3 and 5 of {@code /proc/PID/stat}; the name before them may hold anything. */
    private record Stat(char state, long group) {
    }

    private static Optional<Stat> readStat(Path directory) throws IOException {
        String stat;
        try {
            stat = Files.readString(directory.resolve("stat"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[2])));
    }

    /** Sends {@code signal} to the command or to its whole process group (the command leads it: the group's id is its pid). */
    void signal(StopSignal signal, Target target) throws IOException, InterruptedException {
        String whom = target == Target.GROUP ? "-" + pid() : Long.toString(pid());
        Process kill = new ProcessBuilder("kill", "-" + signal.name(), "--", whom).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal.name() + " -- " + whom + " failed with status " + kill.exitValue());
        }
    }

    /** Waits for the command to exit, at most {@code timeout}; returns its status, or empty if it still runs. */
    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
    }

    /** Waits until no process of the group runs any more, at most {@code timeout}; returns those that still do. */
    List<Long> awaitGroupGone(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> left = group();
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL.toMillis());
            left = group();
        }
        return left;
    }

    /** Whether something accepts connections on loopback port {@code port}. */
    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills whatever of the group is left, so a failed test leaves nothing behind. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (!group().isEmpty()) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + pid()).inheritIO().start().waitFor();
        }
        process.destroyForcibly().waitFor();
    }

    @Override
    public String toString() {
        return description + " (pid " + pid() + ")";
    }
}
