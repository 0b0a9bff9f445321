package io.gemtrack.producer.kernel;

import io.gemtrack.events.EventBody.MmCounters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An address space: its GEM mappings, its counters as last sampled, and the RFC's {@code MM_DRIVERPAGES}
 * counter as such a kernel keeps it. It lives from the fork or exec that made it to the exec or exit that ends
 * it and never comes back, which is what makes skipping both the charge and the uncharge of a dead mm balanced.
 */
final class Mm {

    final TaskGroup owner;
    boolean alive = true;
    /** Mapped objects and how many times each; insertion-ordered so that walks are deterministic. */
    final Map<GemObject, Integer> mappings = new LinkedHashMap<>();
    /** {@code MM_DRIVERPAGES}. */
    long driverPages;
    /** The part of {@link #driverPages} copied from the parent at fork when the fork flaw is on: never balanced. */
    long inheritedDriverPages;
    /** file, anon, shmem, swap and page-table bytes as last reported (zeros before the first sample). */
    MmCounters sample;

    Mm(TaskGroup owner) {
        this.owner = owner;
        this.sample = new MmCounters(owner.pid, 0, 0, 0, 0, 0, 0);
    }
}
