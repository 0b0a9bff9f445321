package io.gemtrack.dashboards;

import java.time.Duration;

/** Polls a condition until it holds: Prometheus scrapes, rules and containers all take their time. */
final class Await {

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private static final Duration POLL = Duration.ofMillis(500);

    private Await() {
    }

    /** Fails naming {@code what} when the condition does not hold within {@code patience}. */
    static void until(String what, Duration patience, Condition condition) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + patience + " in vain for " + what);
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
