package io.gemtrack.aggregator.kafka;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether the event consumer is consuming, and once it has stopped on an error, that error: what {@code /health}
 * answers and what a process running an aggregator waits for to exit. Set by the consumer's own thread; read by any.
 */
public final class ConsumerStatus {

    /** The consumer's state as {@code /health} names it. */
    public enum State {
        /** The consumer thread is polling and applying. */
        CONSUMING,
        /** The consumer thread stopped on an error: nothing is applied any more and the state shown is frozen. */
        FAILED,
        /** The consumer was closed. */
        STOPPED
    }

    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private volatile boolean stopped;

    public State state() {
        if (failure.isDone()) {
            return State.FAILED;
        }
        return stopped ? State.STOPPED : State.CONSUMING;
    }

    /** The error the consumer stopped on; empty while it consumes or after it was closed. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.getNow(null));
    }

    /** Completes with the error the consumer stops on, if it ever does; never completes on a close. */
    public CompletionStage<Throwable> whenFailed() {
        return failure.minimalCompletionStage();
    }

    void failed(Throwable cause) {
        failure.complete(cause);
    }

    void stopped() {
        stopped = true;
    }
}
