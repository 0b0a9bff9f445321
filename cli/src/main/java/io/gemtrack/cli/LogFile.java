package io.gemtrack.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The log of a command that runs several parts in one process ({@code demo}, {@code local}): while it is open,
 * stderr goes to a file, so the logs of the parts (the aggregator's, Kafka's clients', the producer's progress) stay
 * off the terminal, which shows the addresses and a status line. What the process says about itself (a failure, a
 * stop signal) still goes to the terminal's stderr, which {@link #terminal()} keeps.
 */
final class LogFile implements AutoCloseable {

    private final Path path;
    private final PrintStream terminal;
    private final PrintStream file;

    private LogFile(Path path, PrintStream terminal, PrintStream file) {
        this.path = path;
        this.terminal = terminal;
        this.file = file;
    }

    /** The {@code --log} that keeps the logs on stderr, for a supervisor or a test that collects them there. */
    static final Path STDERR = Path.of("-");

    /** Sends stderr to {@code path} (written anew) from now until {@link #close()}; {@link #STDERR} leaves it. */
    static LogFile redirectStderr(Path path) {
        if (path.equals(STDERR)) {
            return new LogFile(STDERR, System.err, null);
        }
        PrintStream file;
        try {
            file = new PrintStream(new FileOutputStream(path.toFile()), true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("--log: cannot write " + path, e);
        }
        LogFile log = new LogFile(path.toAbsolutePath(), System.err, file);
        System.setErr(file);
        return log;
    }

    /** The default log of {@code command}: one per user in the system's temporary directory, written anew each run. */
    static Path defaultPath(String command) {
        return Path.of(System.getProperty("java.io.tmpdir"), "gemtrack-" + command + "-" + System.getProperty("user.name") + ".log");
    }

    /** Where the log goes, as the terminal is told. */
    String where() {
        return path.equals(STDERR) ? "stderr" : path.toString();
    }

    /** The stderr the process started with. */
    PrintStream terminal() {
        return terminal;
    }

    @Override
    public void close() {
        if (file != null) {
            System.setErr(terminal);
            file.close();
        }
    }
}
