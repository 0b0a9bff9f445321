package io.gemtrack.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * How every long-running command stops. The first SIGINT (Ctrl-C), SIGTERM (a service manager) or SIGHUP (the
 * terminal closed), to the process or to its whole process group, makes the process's {@linkplain #stopRequest()
 * stop request}; the command then closes what it started, each part with a timeout of its own, so that the whole
 * stop fits in {@link #DEADLINE} even when a part it talks to is gone (a broker stopped by the same Ctrl-C). If it
 * does not, or if another signal comes, the process ends at once, after the {@linkplain #onForcedExit forced
 * cleanups} (a child process killed, a temporary directory deleted).
 *
 * <p>The signals are handled here rather than left to the JVM, which would run its shutdown hooks: while they run
 * the JVM ignores every further signal, so one hook waiting for a broker that was gone held the process for
 * minutes. {@code sun.misc.Signal} is the JDK's one way to handle a signal (module {@code jdk.unsupported} keeps it
 * for that, JEP 260), hence javac's warning about it. A signal ignored when the JVM started stays ignored (the JVM
 * keeps that disposition): a command put in the background by a non-interactive shell does not stop on SIGINT, as
 * the shell intends, but does on SIGTERM.
 *
 * <p>A process stopped by a signal exits with the shell's status for it, 128 plus the signal's number (130 for
 * SIGINT, 143 for SIGTERM), unless the command itself failed.
 */
final class Shutdown {

    /** From the first signal to the end of the process, at most; the orderly stop of every command fits in it. */
    static final Duration DEADLINE = Duration.ofSeconds(12);

    private static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");
    private static final StopRequest STOP = new StopRequest();
    private static final ConcurrentLinkedDeque<Runnable> FORCED_CLEANUPS = new ConcurrentLinkedDeque<>();
    private static Signal received;
    /**
     * Where the stop is told: the stderr the process started with, even while a command sends stderr to a log file
     * ({@link LogFile}), since it is news to whoever sent the signal.
     */
    private static final PrintStream TERMINAL = System.err;

    private Shutdown() {
    }

    /** Handles the stop signals from now on; called once, first thing, by {@link Gemtrack#main}. */
    static void install() {
        for (String name : SIGNALS) {
            try {
                Signal.handle(new Signal(name), Shutdown::handle);
            } catch (IllegalArgumentException e) {
                // Not a signal here, or kept by the JVM (-Xrs): it does what it did before.
            }
        }
    }

    private static void handle(Signal signal) {
        synchronized (Shutdown.class) {
            if (received == null) {
                received = signal;
                TERMINAL.println("stopping on SIG" + signal.getName() + " (another signal stops at once) ...");
                startDeadline();
                STOP.make();
                return;
            }
        }
        TERMINAL.println("SIG" + signal.getName() + " while stopping: stopping at once");
        forceExit();
    }

    private static void startDeadline() {
        Thread deadline = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(DEADLINE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            TERMINAL.println("not stopped within " + DEADLINE.toSeconds() + " s of the signal: stopping at once");
            forceExit();
        }, "gemtrack-stop-deadline");
        deadline.setDaemon(true);
        deadline.start();
    }

    private static void forceExit() {
        for (Runnable cleanup = FORCED_CLEANUPS.pollLast(); cleanup != null; cleanup = FORCED_CLEANUPS.pollLast()) {
            try {
                cleanup.run();
            } catch (RuntimeException | Error e) {
                TERMINAL.println("while stopping at once: " + e);
            }
        }
        Runtime.getRuntime().halt(exitStatus(0));
    }

    /** The stop request the first signal makes. */
    static StopRequest stopRequest() {
        return STOP;
    }

    /** Blocks until the first stop signal. */
    static void awaitSignal() throws InterruptedException {
        STOP.await();
    }

    /**
     * Runs {@code cleanup} if the process has to end before its orderly stop is done, the latest registered first. It
     * must be quick and must not wait for locks the orderly stop may hold.
     */
    static void onForcedExit(Runnable cleanup) {
        FORCED_CLEANUPS.addLast(cleanup);
    }

    /** The process's exit status: the command's, or, if a signal stopped a command that did not fail, the shell's. */
    static synchronized int exitStatus(int commandStatus) {
        return commandStatus == 0 && received != null ? 128 + received.getNumber() : commandStatus;
    }
}
