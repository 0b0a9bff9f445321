package io.gemtrack.aggregator.http;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.ObjectSort;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.Charges;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.ObjectCharges;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import io.gemtrack.policy.StatusFigure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The JSON answers of the API, as records Jackson writes field by field. Each is built under the fleet's lock
 * and copies what it shows, so it can be written out after the lock is released. Lists are built a page at a time
 * ({@link ListPage}): a host's buffers from the model's orders, a process's from its own objects, so that no list
 * passes over every object of a host while the applier waits. As of an instant, they are built on the folded model,
 * outside the lock.
 */
final class ApiViews {

    private ApiViews() {
    }

    /**
     * @param lastReceivedEpochMillis when the aggregator last received a record of the host (or restored it), by its clock
     * @param stale                   whether that was longer ago than the aggregator's stale time
     * @param quarantine              why the host is quarantined (SEMANTICS.md §10), {@code null} while it is not
     * @param status                  per driver figure, Σ over live objects (SEMANTICS.md §3)
     * @param deviceUsedBytes         Σ of what the devices that report their own use count as used
     * @param unattributedDeviceBytes Σ over those regions of the use no object accounts for
     * @param gpuActiveBytes          the kernel's GPUActive of /proc/meminfo, 0 where it has none
     * @param gpuReclaimBytes         the kernel's GPUReclaim of /proc/meminfo, 0 where it has none
     */
    record HostView(String host, String bootId, long lastSeq, boolean synchronised, long lastReceivedEpochMillis, boolean stale,
                    boolean quarantined, String quarantine, long sequenceGaps, long skippedEvents,
                    long counterMismatches, long processesWithCounterMismatch, long gemObjects, long gemBytes,
                    long residentBytes, long orphanedBytes, Map<Policy, Long> charged, Map<Policy, Long> unaccounted,
                    Map<Policy, Long> overcharged, Map<StatusFigure, Long> status, long deviceUsedBytes,
                    long unattributedDeviceBytes, long gpuActiveBytes, long gpuReclaimBytes, List<RegionView> regions) {
    }

    /**
     * @param deviceUsedBytes   what the device counts as used in the region, {@code null} where it reports nothing
     * @param unattributedBytes the part of that no object holds resident, {@code null} likewise
     */
    record RegionView(int minor, String region, long objects, long gemBytes, long residentBytes, Long deviceUsedBytes,
                      Long unattributedBytes) {

        static RegionView of(RegionUsage region) {
            boolean reported = region.deviceReported();
            return new RegionView(region.minor(), region.name(), region.objects(), region.gemBytes(), region.residentBytes(),
                    reported ? region.deviceUsedBytes() : null, reported ? region.unattributedBytes() : null);
        }
    }

    /** The orders of a host's process list: what the list's policy charges (most first, ties by pid), or pid. */
    enum ProcessSort {
        charged, pid
    }

    record ProcessList(String host, Policy policy, ProcessSort sort, int offset, int limit, int total,
                       List<ProcessRow> processes) {
    }

    /** A page of a host's live buffers. */
    record BufferList(String host, ObjectSort sort, int offset, int limit, long total, List<BufferView> buffers) {
    }

    /** A process in a list sorted under {@code policy}: {@code chargedBytes} is that policy's figure. */
    record ProcessRow(int pid, String comm, long chargedBytes, Map<Policy, Long> charges, long freedByKillBytes,
                      boolean counterMismatch, Map<StatusFigure, Long> status) {
    }

    /** {@code buffers} is a page, in {@code bufferSort}'s order, of the {@code totalBuffers} it created or holds. */
    record ProcessDetail(String host, int pid, String comm, int parentPid, List<Integer> threads, int oomScoreAdj,
                         MmCounters counters, boolean counterMismatch, Map<Policy, Long> charges,
                         long freedByKillBytes, Map<StatusFigure, Long> status, ObjectSort bufferSort, int offset,
                         int limit, int totalBuffers, List<BufferView> buffers) {
    }

    /** {@code creator} is {@code null} once the creator's mm is dead; its charges are for this object alone. */
    record BufferView(long object, int minor, String region, long sizeBytes, long residentBytes, Map<StatusFigure, Long> status,
                      int creatorPid, boolean creatorMmAlive, Map<Policy, Long> creatorCharges, int handles, int dmaBufs,
                      long mappings,
                      List<HolderView> holders) {
    }

    /** A holder of one object: how many references make it one, and what each policy charges it for the object. */
    record HolderView(int pid, String comm, long references, Map<Policy, Long> charges) {
    }

    record OomChoice(OomCandidate victim, boolean mismatch) {
    }

    /** The process whose kill frees the most, whatever the policy. */
    record BestVictim(int pid, String comm, long freedBytes) {
    }

    record OomComparison(String host, long totalPages, BestVictim bestVictim, Map<Policy, OomChoice> policies) {
    }

    static HostView host(HostModel host, HostActivity activity, long nowNanos) {
        return host(host, activity, nowNanos, host.ledger(), host.processesWithCounterMismatch(), host.memory());
    }

    /** A host whose figures cannot be read: its bookkeeping, and the figures of an empty host. */
    static HostView withoutFigures(HostModel host, HostActivity activity, long nowNanos) {
        return host(host, activity, nowNanos, new Ledger(), 0, null);
    }

    private static HostView host(HostModel host, HostActivity activity, long nowNanos, Ledger ledger,
                                 long processesWithCounterMismatch, HostMemory memory) {
        return new HostView(host.host(), host.bootId(), host.lastSeq(), host.synchronised(),
                activity.lastHeardEpochMillis(host.host()).orElse(0), activity.stale(host.host(), nowNanos),
                host.quarantineReason().isPresent(), host.quarantineReason().orElse(null), host.sequenceGaps(), host.skippedEvents(),
                host.counterMismatches(), processesWithCounterMismatch, ledger.objects(), ledger.gemBytes(),
                ledger.residentBytes(), ledger.orphanedBytes(), perPolicy(ledger::charged),
                perPolicy(ledger::unaccounted), perPolicy(ledger::overcharged), perFigure(ledger::statusBytes),
                ledger.deviceUsedBytes(), ledger.unattributedDeviceBytes(), memory == null ? 0 : memory.gpuActiveBytes(),
                memory == null ? 0 : memory.gpuReclaimBytes(), ledger.regions().stream().map(RegionView::of).toList());
    }

    private static final Comparator<Process> BY_PID = Comparator.comparingInt(Process::pid);

    /** A page of the host's processes; rows are built for the page alone. */
    static ProcessList processes(HostModel host, Policy policy, ListPage<ProcessSort> page) {
        List<Process> sorted = new ArrayList<>(host.processes());
        sorted.sort(page.sort() == ProcessSort.pid ? BY_PID : mostChargedFirst(policy));
        return new ProcessList(host.host(), policy, page.sort(), page.offset(), page.limit(), sorted.size(),
                page.of(sorted).stream().map(process -> processRow(process, policy)).toList());
    }

    /** Most charged under {@code policy} first; ties by pid. */
    static Comparator<Process> mostChargedFirst(Policy policy) {
        return Comparator.comparingLong((Process process) -> process.charged(policy)).reversed().thenComparing(BY_PID);
    }

    /** One process as the lists show it, charged under {@code policy}. */
    static ProcessRow processRow(Process process, Policy policy) {
        return new ProcessRow(process.pid(), process.comm(), process.charged(policy), perPolicy(process::charged),
                OomAdvisor.freedByKill(process), process.counterMismatch(), perFigure(process::status));
    }

    /** The process with a page of the buffers it created (while its mm lives) or holds. */
    static ProcessDetail process(HostModel host, Process process, ListPage<ObjectSort> page) {
        List<GemObject> objects = host.objectsOf(process);
        objects.sort(page.sort().order());
        return new ProcessDetail(host.host(), process.pid(), process.comm(), process.parentPid(),
                List.copyOf(process.threads()), process.oomScoreAdj(), process.counters(), process.counterMismatch(),
                perPolicy(process::charged), OomAdvisor.freedByKill(process), perFigure(process::status), page.sort(),
                page.offset(), page.limit(), objects.size(), page.of(objects).stream().map(ApiViews::buffer).toList());
    }

    /** A page of the host's live buffers, read from the model's order. */
    static BufferList buffers(HostModel host, ListPage<ObjectSort> page) {
        return new BufferList(host.host(), page.sort(), page.offset(), page.limit(), host.liveObjects(),
                host.objects(page.sort(), page.offset(), page.limit()).stream().map(ApiViews::buffer).toList());
    }

    static BufferView buffer(GemObject object) {
        ObjectCharges charges = ObjectCharges.of(object);
        List<Process> holders = object.holders();
        List<HolderView> holderViews = new ArrayList<>(holders.size());
        for (int i = 0; i < holders.size(); i++) {
            Process holder = holders.get(i);
            holderViews.add(new HolderView(holder.pid(), holder.comm(), object.referencesBy(holder),
                    perPolicy(charges.holder(i)::get)));
        }
        Charges creator = charges.creator();
        return new BufferView(object.id(), object.minor(), object.regionName(), object.sizeBytes(),
                object.residentBytes(), perFigure(object::statusBytes), object.creatorPid(), object.creatorMmAlive(),
                creator == null ? null : perPolicy(creator::get), object.handles(), object.dmaBufs(),
                object.mappings(), holderViews);
    }

    static OomComparison oomComparison(HostModel host) {
        Map<Policy, OomChoice> choices = new EnumMap<>(Policy.class);
        BestVictim best = null;
        for (Policy policy : Policy.all()) {
            OomRanking ranking = OomAdvisor.rank(host, policy);
            choices.put(policy, new OomChoice(ranking.victim(), ranking.mismatch()));
            OomCandidate candidate = ranking.bestVictim();
            best = candidate == null ? null : new BestVictim(candidate.pid(), candidate.comm(), candidate.freedBytes());
        }
        return new OomComparison(host.host(), host.totalPages(), best, choices);
    }

    private static Map<StatusFigure, Long> perFigure(ToLongFunction<StatusFigure> figure) {
        Map<StatusFigure, Long> byFigure = new EnumMap<>(StatusFigure.class);
        for (StatusFigure each : StatusFigure.values()) {
            byFigure.put(each, figure.applyAsLong(each));
        }
        return byFigure;
    }

    private static Map<Policy, Long> perPolicy(ToLongFunction<Policy> figure) {
        Map<Policy, Long> byPolicy = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> byPolicy.put(policy, figure.applyAsLong(policy)));
        return byPolicy;
    }
}
