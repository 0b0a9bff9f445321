package io.gemtrack.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One line telling how a long-running command is doing. On a terminal it is rewritten in place every second (a
 * carriage return, the text, and spaces over what the last one left); otherwise, in a log or a pipe, it is a plain
 * line every {@link #PLAIN_EVERY}, so a file gets no carriage returns.
 */
final class StatusLine implements AutoCloseable {

    static final Duration IN_PLACE_EVERY = Duration.ofSeconds(1);
    static final Duration PLAIN_EVERY = Duration.ofSeconds(10);
    /** Kept short of the narrowest terminal, so that a rewritten line never wraps. */
    static final int WIDTH = 79;

    private final PrintStream out;
    private final boolean inPlace;
    private final Supplier<String> text;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gemtrack-status");
        thread.setDaemon(true);
        return thread;
    });
    private int lastLength;

    /** @param inPlace whether {@code out} is a terminal */
    StatusLine(PrintStream out, boolean inPlace, Supplier<String> text) {
        this.out = out;
        this.inPlace = inPlace;
        this.text = text;
        Duration every = inPlace ? IN_PLACE_EVERY : PLAIN_EVERY;
        timer.scheduleWithFixedDelay(this::show, inPlace ? 0 : every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether this process's stdout is a terminal: the JVM has a console only when stdin and stdout are one. */
    static boolean onTerminal() {
        return System.console() != null;
    }

    private synchronized void show() {
        String line;
        try {
            line = text.get();
        } catch (RuntimeException e) {
            line = "status unknown: " + FailureReport.describe(e);
        }
        if (inPlace) {
            String shown = line.length() > WIDTH ? line.substring(0, WIDTH - 1) + "…" : line;
            out.print("\r" + shown + " ".repeat(Math.max(0, lastLength - shown.length())));
            lastLength = shown.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Stops updating; on a terminal the line is ended, so what follows starts on a line of its own. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (inPlace && lastLength > 0) {
            out.println();
            out.flush();
        }
    }
}
