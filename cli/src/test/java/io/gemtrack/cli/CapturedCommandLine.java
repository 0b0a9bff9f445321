package io.gemtrack.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * A command line run as a user runs it, with what it writes to standard output and error kept for the test to read.
 * Each run gets a command line of its own, as each of a user's runs is a process of its own: picocli keeps a
 * command's objects, and with them what a run left in them.
 */
final class CapturedCommandLine {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    private final PrintWriter outWriter = new PrintWriter(out, true);
    private final PrintWriter errWriter = new PrintWriter(err, true);
    private final Supplier<CommandLine> commandLines;

    CapturedCommandLine(Supplier<CommandLine> commandLines) {
        this.commandLines = commandLines;
    }

    /** {@code gemtrack} itself, every command under it. */
    static CapturedCommandLine gemtrack() {
        return new CapturedCommandLine(Gemtrack::commandLine);
    }

    /** The exit status of a command line run with {@code args}. */
    int run(String... args) {
        CommandLine commandLine = commandLines.get();
        commandLine.setOut(outWriter);
        commandLine.setErr(errWriter);
        return commandLine.execute(args);
    }
}
