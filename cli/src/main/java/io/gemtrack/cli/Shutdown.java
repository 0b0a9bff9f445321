package io.gemtrack.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Ctrl-C handling for long-running commands. The cleanup runs inside the JVM's shutdown hook, which the JVM
 * waits for, so child processes and temporary directories are gone before the process exits.
 */
final class Shutdown {

    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private Shutdown() {
    }

    static void onSignal(Runnable cleanup) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping ...");
            cleanup.run();
        }, "gemtrack-shutdown"));
    }

    /** Blocks until the JVM shuts down. */
    static void awaitSignal() throws InterruptedException {
        NEVER.await();
    }
}
