package io.gemtrack.dashboards;

import java.time.Duration;

/** Polling for what a running system does eventually (scrapes, rule evaluations, a stack coming up). */
final class Await {

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Returns once the condition holds; fails naming {@code what} when it has not within {@code patience}. */
    static void until(String what, Duration patience, Condition condition) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + patience);
            }
            Thread.sleep(500);
        }
    }
}
