package io.gemtrack.model;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.policy.Ledger;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The state of one host, folded from its events. A pure function of the events applied: no I/O, no clock,
 * so it can be replayed and compared. Not thread-safe; the caller serialises access.
 *
 * <p>This class keeps the sequence bookkeeping of SEMANTICS.md §8 (boots, duplicates, gaps, resynchronising
 * snapshots) and the counters that outlive a boot; the state of the current boot is a {@link HostState},
 * replaced whole by a new boot or a snapshot.
 */
public final class HostModel {

    /** Stands in, in a checkpoint, for the memory of a host that never reported it; never read back. */
    private static final HostMemory PLACEHOLDER_MEMORY = new HostMemory(EventBody.PAGE_SIZE, 0);

    private final String host;
    private String bootId;
    private long nextSeq;
    private boolean synchronised = true;
    private long sequenceGaps;
    private long skippedEvents;
    private long counterMismatches;
    // Package-private so the tests' canonical dump and from-scratch oracle can read the whole state.
    HostState state = newState();

    public HostModel(String host) {
        this.host = host;
    }

    public ApplyResult apply(Event event) {
        EventBody body = event.body();
        boolean snapshot = body instanceof HostSnapshot;
        if (!event.bootId().equals(bootId)) {
            if (bootId != null) {
                // Before the first boot the state is the empty one the constructor made.
                state = newState();
            }
            bootId = event.bootId();
            synchronised = true;
            nextSeq = snapshot ? event.seq() : 0;
        }
        if (event.seq() < nextSeq) {
            return ApplyResult.DUPLICATE;
        }
        if (event.seq() > nextSeq) {
            sequenceGaps += event.seq() - nextSeq;
            synchronised = false;
        }
        nextSeq = event.seq() + 1;
        try {
            if (snapshot) {
                state = SnapshotRestore.restore((HostSnapshot) body, this::countMismatch);
                synchronised = true;
            } else if (!synchronised) {
                skippedEvents++;
                return ApplyResult.SKIPPED;
            } else {
                state.apply(body);
            }
            return ApplyResult.APPLIED;
        } catch (RuleViolation violation) {
            return ApplyResult.rejected(violation.getMessage());
        }
    }

    /** The whole model as values; {@link #restore} of it gives a model equal to this one. */
    public HostCheckpoint checkpoint() {
        boolean memoryKnown = state.memory() != null;
        HostMemory memory = memoryKnown ? state.memory() : PLACEHOLDER_MEMORY;
        List<Integer> mismatched = state.processes.values().stream().filter(Process::counterMismatch).map(Process::pid).toList();
        return new HostCheckpoint(host, bootId, nextSeq, synchronised, sequenceGaps, skippedEvents, counterMismatches,
                memoryKnown, mismatched, SnapshotExport.export(state, memory));
    }

    /** A model equal to the one {@code checkpoint} was taken of; throws {@link IllegalArgumentException} if it is inconsistent. */
    public static HostModel restore(HostCheckpoint checkpoint) {
        HostModel model = new HostModel(checkpoint.host());
        try {
            model.state = SnapshotRestore.restore(checkpoint.state(), model::countMismatch);
        } catch (RuleViolation violation) {
            throw new IllegalArgumentException("checkpoint of " + checkpoint.host() + " is inconsistent: " + violation.getMessage(),
                    violation);
        }
        if (!checkpoint.memoryKnown()) {
            model.state.setMemory(null);
        }
        checkpoint.counterMismatchPids().forEach(pid -> model.state.processes.get(pid).markCounterMismatch());
        model.bootId = checkpoint.bootId();
        model.nextSeq = checkpoint.nextSeq();
        model.synchronised = checkpoint.synchronised();
        model.sequenceGaps = checkpoint.sequenceGaps();
        model.skippedEvents = checkpoint.skippedEvents();
        model.counterMismatches = checkpoint.counterMismatches();
        return model;
    }

    private HostState newState() {
        return new HostState(this::countMismatch);
    }

    private void countMismatch() {
        counterMismatches++;
    }

    public String host() {
        return host;
    }

    /** The boot whose events are being applied; {@code null} before the first event. */
    public String bootId() {
        return bootId;
    }

    /** The {@code seq} of the last event seen of the current boot (-1 before any): how far the model has read. */
    public long lastSeq() {
        return nextSeq - 1;
    }

    /** Whether every event since the last boot start or snapshot was seen; if not, events wait for a snapshot. */
    public boolean synchronised() {
        return synchronised;
    }

    /** Events never seen: Σ over gaps in {@code seq} of the missing numbers. */
    public long sequenceGaps() {
        return sequenceGaps;
    }

    /** Events ignored while the host was unsynchronised. */
    public long skippedEvents() {
        return skippedEvents;
    }

    /** Counters samples whose driver pages disagreed with the {@code rfc} charge (SEMANTICS.md §7). */
    public long counterMismatches() {
        return counterMismatches;
    }

    /** Processes whose latest counters sample disagreed with the {@code rfc} charge. */
    public long processesWithCounterMismatch() {
        return state.processes.values().stream().filter(Process::counterMismatch).count();
    }

    public Ledger ledger() {
        return state.ledger;
    }

    /** Thread groups in pid order. */
    public Collection<Process> processes() {
        return Collections.unmodifiableCollection(state.processes.values());
    }

    /** The thread group of task {@code pid} (a leader or one of its threads), or {@code null}. */
    public Process process(int pid) {
        return state.tasks.get(pid);
    }

    /** The driver of DRM device {@code minor}, if the host declared the device. */
    public Optional<String> driver(int minor) {
        DrmDeviceAdded device = state.devices.get(minor);
        return device == null ? Optional.empty() : Optional.of(device.driver());
    }

    public Collection<GemObject> objects() {
        return Collections.unmodifiableCollection(state.objects);
    }

    public GemObject object(long id) {
        return state.objects.get(id);
    }

    /** The kernel's OOM {@code totalpages}: RAM plus swap in pages, 0 while the host never reported its memory. */
    public long totalPages() {
        HostMemory memory = state.memory();
        return memory == null ? 0 : (memory.memTotalBytes() + memory.swapTotalBytes()) / EventBody.PAGE_SIZE;
    }

    public long liveObjects() {
        return state.ledger.objects();
    }

    public long gemBytes() {
        return state.ledger.gemBytes();
    }
}
