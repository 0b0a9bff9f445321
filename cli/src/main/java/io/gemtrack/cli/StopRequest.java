package io.gemtrack.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A request to stop, made once. Making it interrupts the threads that work until it (see {@link #interruptOnRequest()}),
 * which also ends their sleeps and their waits for a broker, and lets go those that {@linkplain #await() wait} for it.
 */
final class StopRequest {

    private final CountDownLatch made = new CountDownLatch(1);
    private final CompletableFuture<Void> whenMade = new CompletableFuture<>();
    private final List<Thread> interruptedOnRequest = new ArrayList<>();

    /** Makes the request; later calls do nothing. */
    synchronized void make() {
        if (isMade()) {
            return;
        }
        // Interrupted before the latch opens, so a thread that await() lets go is not interrupted after it.
        interruptedOnRequest.forEach(Thread::interrupt);
        made.countDown();
        whenMade.complete(null);
    }

    boolean isMade() {
        return made.getCount() == 0;
    }

    /** Completes when the request is made: to wait for it together with something else. */
    CompletableFuture<Void> whenMade() {
        return whenMade;
    }

    /** Blocks until the request is made. */
    void await() throws InterruptedException {
        made.await();
    }

    /**
     * Interrupts the calling thread when the request is made (at once if it has been), until the returned registration
     * is closed. Closing it clears the interrupt the request set, so the thread can then close its Kafka clients, which
     * would not wait for their own threads if interrupted.
     */
    synchronized Interruption interruptOnRequest() {
        Thread thread = Thread.currentThread();
        interruptedOnRequest.add(thread);
        if (isMade()) {
            thread.interrupt();
        }
        return () -> {
            synchronized (this) {
                interruptedOnRequest.remove(thread);
            }
            if (isMade()) {
                Thread.interrupted();
            }
        };
    }

    /** The registration of {@link #interruptOnRequest()}; closing it never throws. */
    interface Interruption extends AutoCloseable {
        @Override
        void close();
    }
}
