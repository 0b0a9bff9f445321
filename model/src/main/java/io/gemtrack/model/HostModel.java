package io.gemtrack.model;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.policy.ExactSums;
import io.gemtrack.policy.Ledger;
import it.unimi.dsi.fastutil.objects.ObjectOpenHashSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
    /** OOM kills whose post-mortems a host keeps: a few days of an unhealthy host, a few KB each. */
    public static final int OOM_KILLS_KEPT = 32;

    private final String host;
    private String bootId;
    private long nextSeq;
    private boolean synchronised = true;
    private long sequenceGaps;
    private long skippedEvents;
    private long counterMismatches;
    /** Why the host is quarantined, {@code null} while it is not. */
    private String quarantine;
    /** The post-mortems of the last {@link #OOM_KILLS_KEPT} OOM kills, oldest first; they outlive boots and snapshots. */
    private final ArrayDeque<OomPostMortem> oomKills = new ArrayDeque<>();
    private OomKillTotals oomKillTotals = OomKillTotals.NONE;
    // Package-private so the tests' canonical dump and from-scratch oracle can read the whole state.
    HostState state = newState();

    public HostModel(String host) {
        this.host = host;
    }

    /**
     * Applies one event: the sequence rules of SEMANTICS.md §8, then the event's own rules. An event that is
     * rejected changes nothing of the host, at a new boot neither: the host stays in its old boot (a rejected event
     * of the current boot still counts as delivered, §8). An unexpected error while applying (a bug, not bad input)
     * quarantines the host instead of escaping (SEMANTICS.md §10).
     */
    public ApplyResult apply(Event event) {
        EventBody body = event.body();
        boolean snapshot = body instanceof HostSnapshot;
        boolean newBoot = !event.bootId().equals(bootId);
        // The seq the event's boot expects next: a new boot starts at 0, or wherever its snapshot stands.
        long expected = !newBoot ? nextSeq : snapshot ? event.seq() : 0;
        if (event.seq() < expected) {
            return ApplyResult.DUPLICATE;
        }
        long gap = event.seq() - expected;
        if (snapshot) {
            return restore(event, (HostSnapshot) body, newBoot, gap);
        }
        if (!newBoot && quarantine != null) {
            countDelivered(event.seq(), gap);
            synchronised &= gap == 0;
            skippedEvents++;
            return ApplyResult.QUARANTINE_SKIPPED;
        }
        if (gap > 0 || (!newBoot && !synchronised)) {
            if (newBoot) {
                replaceState(event.bootId(), newState());
            }
            countDelivered(event.seq(), gap);
            synchronised = false;
            skippedEvents++;
            return ApplyResult.SKIPPED;
        }
        HostState target = newBoot ? newState() : state;
        try {
            target.apply(body);
        } catch (RuleViolation violation) {
            if (!newBoot) {
                countDelivered(event.seq(), 0);
            }
            return ApplyResult.rejected(violation.getMessage());
        } catch (RuntimeException failure) {
            // The state may be half changed: kept as the error left it, for inspection, and applied to no more.
            if (newBoot) {
                replaceState(event.bootId(), target);
            }
            countDelivered(event.seq(), 0);
            return quarantined(event, failure);
        }
        if (newBoot) {
            replaceState(event.bootId(), target);
        }
        countDelivered(event.seq(), 0);
        return ApplyResult.APPLIED;
    }

    /** A snapshot replaces the state whole, or, rejected, changes nothing (at a new boot, not even the boot). */
    private ApplyResult restore(Event event, HostSnapshot snapshot, boolean newBoot, long gap) {
        HostState restored;
        try {
            restored = SnapshotRestore.restore(snapshot, this::countMismatch);
        } catch (RuleViolation violation) {
            if (!newBoot) {
                countDelivered(event.seq(), gap);
                synchronised &= gap == 0;
            }
            return ApplyResult.rejected(violation.getMessage());
        } catch (RuntimeException failure) {
            // The state before the snapshot is untouched; it is the one kept for inspection.
            if (!newBoot) {
                countDelivered(event.seq(), gap);
            }
            return quarantined(event, failure);
        }
        replaceState(event.bootId(), restored);
        countDelivered(event.seq(), gap);
        return ApplyResult.APPLIED;
    }

    /**
     * A snapshot or a new boot replaces the state whole: the host is synchronised, and no longer quarantined, since
     * nothing of the state that failed is left.
     */
    private void replaceState(String newBootId, HostState newState) {
        bootId = newBootId;
        state = newState;
        synchronised = true;
        quarantine = null;
    }

    /** Event {@code seq} of the current boot reached the model, after {@code gap} events that never did. */
    private void countDelivered(long seq, long gap) {
        if (gap > 0) {
            sequenceGaps = ExactSums.saturatedAdd(sequenceGaps, gap);
        }
        nextSeq = seq + 1;
    }

    private ApplyResult quarantined(Event event, Throwable failure) {
        String reason = "applying " + event.type() + " seq " + event.seq() + " failed: " + failure;
        quarantine(reason);
        return new ApplyResult.Quarantined(reason, failure);
    }

    /**
     * Quarantines the host: from now on its events are skipped (and counted) until a snapshot or a new boot replaces
     * its state, which is kept as it is for inspection. The runtime calls this when it cannot checkpoint, export or
     * show the host; the model itself when applying an event fails unexpectedly. A host already quarantined keeps its
     * first reason.
     */
    public void quarantine(String reason) {
        if (quarantine == null) {
            quarantine = reason;
        }
    }

    /** Why the host is quarantined; empty while it is not. */
    public Optional<String> quarantineReason() {
        return Optional.ofNullable(quarantine);
    }

    /** The whole model as values; {@link #restore} of it gives a model equal to this one. */
    public HostCheckpoint checkpoint() {
        boolean memoryKnown = state.memory() != null;
        HostMemory memory = memoryKnown ? state.memory() : PLACEHOLDER_MEMORY;
        List<Integer> mismatched = state.processes.values().stream().filter(Process::counterMismatch).map(Process::pid).toList();
        return new HostCheckpoint(host, bootId, nextSeq, synchronised, sequenceGaps, skippedEvents, counterMismatches,
                memoryKnown, mismatched, SnapshotExport.export(state, memory), List.copyOf(oomKills),
                oomKillTotals);
    }

    /**
     * What a checkpoint keeps of a quarantined host: its sequence bookkeeping and counters, with an empty state.
     * Its own state may be what broke it, and may not be checkpointed or restored at all; quarantined again when
     * restored, the host skips its events until a snapshot or a new boot, as it did before.
     */
    public HostCheckpoint checkpointWithoutState() {
        return new HostCheckpoint(host, bootId, nextSeq, synchronised, sequenceGaps, skippedEvents, counterMismatches,
                false, List.of(), SnapshotExport.export(newState(), PLACEHOLDER_MEMORY), List.copyOf(oomKills),
                oomKillTotals);
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
        checkpoint.oomKills().forEach(model::keep);
        model.oomKillTotals = checkpoint.oomKillTotals();
        return model;
    }

    /**
     * Keeps the post-mortem of an OOM kill of this host, built when its {@code OomKill} was applied; the oldest goes
     * once {@link #OOM_KILLS_KEPT} are kept.
     */
    public void recordOomKill(OomPostMortem postMortem) {
        if (!postMortem.host().equals(host)) {
            throw new IllegalArgumentException("a post-mortem of " + postMortem.host() + " is not one of " + host);
        }
        keep(postMortem);
        oomKillTotals = oomKillTotals.plus(postMortem);
    }

    private void keep(OomPostMortem postMortem) {
        oomKills.addLast(postMortem);
        if (oomKills.size() > OOM_KILLS_KEPT) {
            oomKills.removeFirst();
        }
    }

    /** What all the host's OOM kills added up to. */
    public OomKillTotals oomKillTotals() {
        return oomKillTotals;
    }

    /** The post-mortems of the host's last OOM kills, newest first. */
    public List<OomPostMortem> oomKills() {
        List<OomPostMortem> newestFirst = new ArrayList<>(oomKills);
        Collections.reverse(newestFirst);
        return newestFirst;
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

    /** Events ignored while the host was unsynchronised or quarantined. */
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

    /** The last sample of each cgroup's memory files (SEMANTICS.md §11), in path order. */
    public Collection<ResourceUsage> resourceUsage() {
        return Collections.unmodifiableCollection(state.resourceUsage.values());
    }

    public Collection<GemObject> objects() {
        return Collections.unmodifiableCollection(state.objects);
    }

    public GemObject object(long id) {
        return state.objects.get(id);
    }

    /**
     * Up to {@code limit} live objects from position {@code offset} of {@code sort}'s order. Read from an order kept
     * as objects come and go: it costs the page and the positions before it, whatever the host's size.
     */
    public List<GemObject> objects(ObjectSort sort, int offset, int limit) {
        long[] ids = state.objectIds(sort, offset, limit);
        List<GemObject> page = new ArrayList<>(ids.length);
        for (long id : ids) {
            page.add(state.objects.get(id));
        }
        return page;
    }

    /**
     * The live objects {@code process} holds, by id: found from its own fds and mappings, so it costs what the process
     * holds, not a pass over the host's objects.
     */
    public List<GemObject> heldBy(Process process) {
        ObjectOpenHashSet<GemObject> held = new ObjectOpenHashSet<>();
        process.fds().values().forEach(target -> target.forEachObject(held::add));
        held.addAll(process.mm().mappings().keySet());
        return byId(held);
    }

    /** The live objects {@code process} created (while its mm lives) or holds, by id, found as {@link #heldBy} finds them. */
    public List<GemObject> objectsOf(Process process) {
        ObjectOpenHashSet<GemObject> objects = new ObjectOpenHashSet<>(heldBy(process));
        objects.addAll(process.mm().created());
        return byId(objects);
    }

    private static List<GemObject> byId(Collection<GemObject> objects) {
        List<GemObject> sorted = new ArrayList<>(objects);
        sorted.sort(ObjectSort.id.order());
        return sorted;
    }

    /** The kernel's OOM {@code totalpages}: RAM plus swap in pages, 0 while the host never reported its memory. */
    public long totalPages() {
        HostMemory memory = state.memory();
        return memory == null ? 0 : (memory.memTotalBytes() + memory.swapTotalBytes()) / EventBody.PAGE_SIZE;
    }

    /**
     * The host's memory as last reported (with what GPU drivers hold of it, SEMANTICS.md §1), or {@code null} while
     * it never reported it.
     */
    public HostMemory memory() {
        return state.memory();
    }

    public long liveObjects() {
        return state.ledger.objects();
    }

    public long gemBytes() {
        return state.ledger.gemBytes();
    }
}
