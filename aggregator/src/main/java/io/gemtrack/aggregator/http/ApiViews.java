package io.gemtrack.aggregator.http;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.Charges;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.ObjectCharges;
import io.gemtrack.policy.Policy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The JSON answers of the API, as records Jackson writes field by field. Each is built under the fleet's lock
 * and copies what it shows, so it can be written out after the lock is released.
 */
final class ApiViews {

    private ApiViews() {
    }

    /**
     * @param lastReceivedEpochMillis when the aggregator last received a record of the host (or restored it), by its clock
     * @param stale                   whether that was longer ago than the aggregator's stale time
     */
    record HostView(String host, String bootId, long lastSeq, boolean synchronised, long lastReceivedEpochMillis, boolean stale,
                    long sequenceGaps, long skippedEvents,
                    long counterMismatches, long processesWithCounterMismatch, long gemObjects, long gemBytes,
                    long residentBytes, long orphanedBytes, Map<Policy, Long> charged, Map<Policy, Long> unaccounted,
                    Map<Policy, Long> overcharged, List<RegionView> regions) {
    }

    record RegionView(int minor, String region, long objects, long gemBytes, long residentBytes) {
    }

    record ProcessList(String host, Policy policy, List<ProcessRow> processes) {
    }

    /** A process in a list sorted under {@code policy}: {@code chargedBytes} is that policy's figure. */
    record ProcessRow(int pid, String comm, long chargedBytes, Map<Policy, Long> charges, long freedByKillBytes,
                      boolean counterMismatch) {
    }

    record ProcessDetail(String host, int pid, String comm, int parentPid, List<Integer> threads, int oomScoreAdj,
                         MmCounters counters, boolean counterMismatch, Map<Policy, Long> charges,
                         long freedByKillBytes, List<BufferView> buffers) {
    }

    /** {@code creator} is {@code null} once the creator's mm is dead; its charges are for this object alone. */
    record BufferView(long object, int minor, String region, long sizeBytes, long residentBytes, int creatorPid,
                      boolean creatorMmAlive, Map<Policy, Long> creatorCharges, int handles, int dmaBufs, int mappings,
                      List<HolderView> holders) {
    }

    /** A holder of one object: how many references make it one, and what each policy charges it for the object. */
    record HolderView(int pid, String comm, int references, Map<Policy, Long> charges) {
    }

    record OomChoice(OomCandidate victim, boolean mismatch) {
    }

    /** The process whose kill frees the most, whatever the policy. */
    record BestVictim(int pid, String comm, long freedBytes) {
    }

    record OomComparison(String host, long totalPages, BestVictim bestVictim, Map<Policy, OomChoice> policies) {
    }

    static HostView host(HostModel host, HostActivity activity, long nowNanos) {
        Ledger ledger = host.ledger();
        return new HostView(host.host(), host.bootId(), host.lastSeq(), host.synchronised(),
                activity.lastHeardEpochMillis(host.host()).orElse(0), activity.stale(host.host(), nowNanos),
                host.sequenceGaps(), host.skippedEvents(),
                host.counterMismatches(), host.processesWithCounterMismatch(), ledger.objects(), ledger.gemBytes(),
                ledger.residentBytes(), ledger.orphanedBytes(), perPolicy(ledger::charged),
                perPolicy(ledger::unaccounted), perPolicy(ledger::overcharged),
                ledger.regions().stream().map(region -> new RegionView(region.minor(), region.name(), region.objects(),
                        region.gemBytes(), region.residentBytes())).toList());
    }

    /** Most charged first; ties by pid. */
    static ProcessList processes(HostModel host, Policy policy) {
        return new ProcessList(host.host(), policy, host.processes().stream()
                .sorted(Comparator.comparingLong((Process process) -> process.charged(policy)).reversed()
                        .thenComparingInt(Process::pid))
                .map(process -> new ProcessRow(process.pid(), process.comm(), process.charged(policy),
                        perPolicy(process::charged), OomAdvisor.freedByKill(process), process.counterMismatch()))
                .toList());
    }

    /** The process with every buffer it created (while its mm lives) or holds. */
    static ProcessDetail process(HostModel host, Process process) {
        List<BufferView> buffers = host.objects().stream()
                .filter(object -> object.creator() == process || object.isHeldBy(process))
                .sorted(Comparator.comparingLong(GemObject::id))
                .map(ApiViews::buffer)
                .toList();
        return new ProcessDetail(host.host(), process.pid(), process.comm(), process.parentPid(),
                List.copyOf(process.threads()), process.oomScoreAdj(), process.counters(), process.counterMismatch(),
                perPolicy(process::charged), OomAdvisor.freedByKill(process), buffers);
    }

    /** Every live buffer of the host, by object id. */
    static List<BufferView> buffers(HostModel host) {
        return host.objects().stream().sorted(Comparator.comparingLong(GemObject::id)).map(ApiViews::buffer).toList();
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
                object.residentBytes(), object.creatorPid(), object.creatorMmAlive(),
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

    private static Map<Policy, Long> perPolicy(ToLongFunction<Policy> figure) {
        Map<Policy, Long> byPolicy = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> byPolicy.put(policy, figure.applyAsLong(policy)));
        return byPolicy;
    }
}
