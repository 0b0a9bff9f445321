package io.gemtrack.reliability;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded waits: poll until a condition holds, or fail saying what was expected and what was last seen. */
final class Await {

    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {
    }

    /** Polls {@code probe} until {@code ready} accepts its value, for at most {@code timeout}; returns that value. */
    static <T> T until(String expectation, Duration timeout, Supplier<T> probe, Predicate<T> ready) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                last = probe.get();
                if (ready.test(last)) {
                    return last;
                }
                lastError = null;
            } catch (RuntimeException e) {
                // A probe of something that is still starting (a port not yet open) fails until it is up.
                lastError = e;
            }
            Thread.sleep(POLL.toMillis());
        }
        AssertionError failure = new AssertionError("expected " + expectation + " within " + timeout.toSeconds() + " s; last seen: "
                + (lastError != null ? lastError : last));
        if (lastError != null) {
            failure.initCause(lastError);
        }
        throw failure;
    }
}
