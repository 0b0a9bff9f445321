package io.gemtrack.producer.truth;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.MmCounters;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Works out a host's ground truth from its {@link HostFacts}: SEMANTICS.md §5 (what each policy charges, per
 * process and in total, the drivers' status figures per holder and in total, the devices' use no object accounts
 * for) and §6 (OOM badness, victims, what a kill frees), the slow and literal way.
 */
public final class GroundTruth {

    /** The kernel never kills a process with this {@code oom_score_adj}. */
    private static final int OOM_SCORE_ADJ_MIN = -1000;

    private GroundTruth() {
    }

    public static HostTruth of(String host, String bootId, long seq, HostFacts facts) {
        Map<Integer, Map<AccountingPolicy, Long>> charged = new TreeMap<>();
        facts.processes().forEach(process -> charged.put(process.pid(), zeros()));
        Map<AccountingPolicy, Long> unaccounted = zeros();
        Map<AccountingPolicy, Long> overcharged = zeros();
        Map<Integer, Map<String, Long>> heldStatus = new TreeMap<>();
        facts.processes().forEach(process -> heldStatus.put(process.pid(), StatusFigures.zeros()));
        Map<String, Long> status = StatusFigures.zeros();
        long orphaned = 0;
        long gemBytes = 0;
        long residentBytes = 0;
        for (ObjectTruth object : facts.objects()) {
            long resident = object.residentBytes();
            gemBytes += object.sizeBytes();
            residentBytes += resident;
            if (!object.creatorMmAlive()) {
                orphaned += resident;
            }
            StatusFigures.of(object).forEach((figure, bytes) -> {
                status.merge(figure, bytes, Long::sum);
                object.holders().forEach(pid -> heldStatus.get(pid).merge(figure, bytes, Long::sum));
            });
            for (AccountingPolicy policy : AccountingPolicy.ALL) {
                long total = 0;
                for (Map.Entry<Integer, Long> charge : policy.charges(object).entrySet()) {
                    Map<AccountingPolicy, Long> process = charged.get(charge.getKey());
                    if (process == null) {
                        throw new IllegalStateException(policy + " charges pid " + charge.getKey() + ", which is not a live process");
                    }
                    process.merge(policy, charge.getValue(), Long::sum);
                    total += charge.getValue();
                }
                unaccounted.merge(policy, Math.max(0, resident - total), Long::sum);
                overcharged.merge(policy, Math.max(0, total - resident), Long::sum);
            }
        }
        List<ProcessTruth> processes = new ArrayList<>();
        for (ProcessFacts process : facts.processes()) {
            Map<AccountingPolicy, Long> charges = charged.get(process.pid());
            MmCounters counters = process.counters();
            long freedByKill = counters.anonBytes() + counters.swapBytes() + counters.pageTableBytes() + charges.get(AccountingPolicy.freeable);
            processes.add(new ProcessTruth(process.pid(), process.comm(), process.oomScoreAdj(), PolicyMaps.of(charges::get),
                    freedByKill, process.driverPages(), heldStatus.get(process.pid())));
        }
        Map<AccountingPolicy, Integer> victims = new EnumMap<>(AccountingPolicy.class);
        for (AccountingPolicy policy : AccountingPolicy.ALL) {
            victims.put(policy, victim(facts.processes(), facts.totalPages(), policy, pid -> charged.get(pid).get(policy)));
        }
        int best = bestVictim(processes);
        long bestFreed = freed(processes, best);
        long deviceUsed = 0;
        long unattributed = 0;
        for (RegionTruth region : facts.regions()) {
            if (region.deviceReported()) {
                deviceUsed += region.deviceUsedBytes();
                unattributed += region.unattributedBytes();
            }
        }
        HostMemory memory = facts.memory();
        return new HostTruth(host, bootId, seq, facts.totalPages(), processes, facts.objects(), facts.regions(),
                PolicyMaps.of(unaccounted::get), PolicyMaps.of(overcharged::get), orphaned, gemBytes, residentBytes,
                PolicyMaps.of(victims::get), best,
                PolicyMaps.of(policy -> victims.get(policy) != 0 && freed(processes, victims.get(policy)) < bestFreed),
                status, deviceUsed, unattributed, memory == null ? 0 : memory.gpuActiveBytes(), memory == null ? 0 : memory.gpuReclaimBytes(),
                CgroupGroundTruth.of(facts, processes));
    }

    /**
     * Among {@code processes} (in pid order), the candidate with the most points against {@code totalPages}, given what
     * the policy charges each pid; ties to the lowest pid (the first in pid order); 0 if none.
     */
    static int victim(List<ProcessFacts> processes, long totalPages, AccountingPolicy policy, IntFunction<Long> charged) {
        int victim = 0;
        long most = Long.MIN_VALUE;
        for (ProcessFacts process : processes) {
            if (process.oomScoreAdj() == OOM_SCORE_ADJ_MIN) {
                continue;
            }
            MmCounters counters = process.counters();
            long bytes = counters.fileBytes() + counters.anonBytes() + counters.shmemBytes() + charged.apply(process.pid())
                    + counters.swapBytes() + counters.pageTableBytes();
            long points = bytes / EventBody.PAGE_SIZE + process.oomScoreAdj() * (totalPages / 1000);
            if (points > most) {
                most = points;
                victim = process.pid();
            }
        }
        return victim;
    }

    /** The candidate whose kill frees the most; ties to the lowest pid; 0 if none. */
    static int bestVictim(List<ProcessTruth> processes) {
        int best = 0;
        long most = Long.MIN_VALUE;
        for (ProcessTruth process : processes) {
            if (process.oomScoreAdj() != OOM_SCORE_ADJ_MIN && process.freedByKill() > most) {
                most = process.freedByKill();
                best = process.pid();
            }
        }
        return best;
    }

    static long freed(List<ProcessTruth> processes, int pid) {
        return processes.stream().filter(process -> process.pid() == pid).mapToLong(ProcessTruth::freedByKill).findFirst().orElse(0);
    }

    private static Map<AccountingPolicy, Long> zeros() {
        Map<AccountingPolicy, Long> zeros = new EnumMap<>(AccountingPolicy.class);
        AccountingPolicy.ALL.forEach(policy -> zeros.put(policy, 0L));
        return zeros;
    }
}
