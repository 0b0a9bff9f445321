package io.gemtrack.aggregator.kafka;

import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The fleet model shared by the applier and its readers (the API, the scrape, the history), and the one lock that
 * guards it and the state kept beside it ({@link HostActivity}, {@link ProcessExits}). The model is a pure fold with
 * no concurrency of its own; every thread but the one that built it reaches it through here.
 *
 * <p>The lock is fair, and that is why it is not a Java monitor: the applier takes it for every event and takes it
 * again within a microsecond of letting it go, before a reader woken by the release has run, so with a monitor a
 * reader waits until the applier happens to be descheduled. A fair lock is handed to the longest waiter. Readers
 * first {@linkplain #read queue among themselves}, so the applier finds at most one reader ahead of it rather than
 * every request in flight: between two of its events it waits for one reader's hold at most.
 */
public final class SharedFleet {

    /** What is done under the lock: a change of the model, or a read of what an answer needs. */
    @FunctionalInterface
    public interface Hold<T, E extends Exception> {
        T run(FleetModel fleet) throws E;
    }

    /** A change under the lock that answers nothing. */
    @FunctionalInterface
    public interface Change<E extends Exception> {
        void run(FleetModel fleet) throws E;
    }

    private final FleetModel fleet;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final ReentrantLock readerTurn = new ReentrantLock(true);

    public SharedFleet() {
        this(new FleetModel());
    }

    /** @param fleet the model, from now on touched only through this */
    public SharedFleet(FleetModel fleet) {
        this.fleet = fleet;
    }

    /**
     * The applier's hold of the lock for one event, taken without a closure (the applier takes it a million times a
     * second): waits for the lock in turn with at most one reader, and gives the model, the caller's until it calls
     * {@link #release()}, in a {@code finally}.
     */
    FleetModel acquire() {
        lock.lock();
        return fleet;
    }

    /** Ends the hold {@link #acquire()} began. */
    void release() {
        lock.unlock();
    }

    /**
     * The hold of the consumer thread (checkpoints, restores, drops): waits for the lock in turn with at most one
     * reader.
     */
    public <T, E extends Exception> T hold(Hold<T, E> hold) throws E {
        FleetModel held = acquire();
        try {
            return hold.run(held);
        } finally {
            release();
        }
    }

    /** {@link #hold} for a change that answers nothing. */
    public <E extends Exception> void change(Change<E> change) throws E {
        this.<Void, E>hold(fleet -> {
            change.run(fleet);
            return null;
        });
    }

    /**
     * A reader's hold: waits for the readers ahead of it, then for the lock. A reader should hold it for what one
     * host's answer needs to copy, and build the rest of its answer after.
     */
    public <T, E extends Exception> T read(Hold<T, E> hold) throws E {
        readerTurn.lock();
        try {
            return hold(hold);
        } finally {
            readerTurn.unlock();
        }
    }

    /**
     * {@code read} of every host, each in a reader's hold of its own, so that no reader holds the lock across the
     * fleet: each answer is one consistent view of its host. A host dropped or handed over since the hosts were
     * listed is no longer this aggregator's, and is passed over.
     */
    public <T> List<T> readEachHost(Function<HostModel, T> read) {
        List<String> names = read(model -> model.hosts().stream().map(HostModel::host).toList());
        List<T> answers = new ArrayList<>(names.size());
        for (String name : names) {
            read(model -> Optional.ofNullable(model.host(name)).map(read)).ifPresent(answers::add);
        }
        return answers;
    }
}
