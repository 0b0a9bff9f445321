package io.gemtrack.producer.truth;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ResourceUsage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Works out every cgroup's truth (SEMANTICS.md §11) from a host's facts, the literal way: for each cgroup, its
 * members, then every object against them.
 */
final class CgroupGroundTruth {

    private CgroupGroundTruth() {
    }

    /**
     * @param processes what each process is charged and its kill frees, as {@link GroundTruth} found
     */
    static Map<String, CgroupTruth> of(HostFacts facts, List<ProcessTruth> processes) {
        Set<String> paths = new TreeSet<>();
        paths.add(EventBody.ROOT_CGROUP);
        facts.processes().forEach(process -> addWithAncestors(paths, process.cgroup()));
        Map<String, ResourceUsage> usage = new HashMap<>();
        for (ResourceUsage sample : facts.cgroups()) {
            addWithAncestors(paths, sample.cgroup());
            usage.put(sample.cgroup(), sample);
        }
        Map<String, CgroupTruth> cgroups = new TreeMap<>();
        for (String path : paths) {
            cgroups.put(path, cgroup(path, facts, processes, usage.get(path)));
        }
        return cgroups;
    }

    private static CgroupTruth cgroup(String path, HostFacts facts, List<ProcessTruth> processes, ResourceUsage usage) {
        Set<Integer> members = new TreeSet<>();
        for (ProcessFacts process : facts.processes()) {
            if (path.equals(EventBody.ROOT_CGROUP) || process.cgroup().equals(path) || process.cgroup().startsWith(path + "/")) {
                members.add(process.pid());
            }
        }
        Map<AccountingPolicy, Long> charged = new EnumMap<>(AccountingPolicy.class);
        Map<AccountingPolicy, Long> unaccounted = new EnumMap<>(AccountingPolicy.class);
        AccountingPolicy.ALL.forEach(policy -> {
            charged.put(policy, 0L);
            unaccounted.put(policy, 0L);
        });
        long orphaned = 0;
        for (ObjectTruth object : facts.objects()) {
            List<Integer> holdersInside = object.holders().stream().filter(members::contains).toList();
            boolean creatorInside = object.creatorMmAlive() && members.contains(object.creatorPid());
            if (holdersInside.isEmpty() && !creatorInside) {
                continue;
            }
            long resident = object.residentBytes();
            for (AccountingPolicy policy : AccountingPolicy.ALL) {
                Map<Integer, Long> charges = policy.charges(object);
                long inside;
                if (policy == AccountingPolicy.holder) {
                    inside = holdersInside.isEmpty() ? 0 : resident;
                } else if (policy == AccountingPolicy.freeable) {
                    inside = !holdersInside.isEmpty() && holdersInside.size() == object.holders().size() ? resident : 0;
                } else {
                    inside = charges.entrySet().stream().filter(charge -> members.contains(charge.getKey()))
                            .mapToLong(Map.Entry::getValue).sum();
                }
                charged.merge(policy, inside, Long::sum);
                long everywhere = charges.values().stream().mapToLong(Long::longValue).sum();
                unaccounted.merge(policy, Math.max(0, resident - everywhere), Long::sum);
            }
            if (!object.creatorMmAlive() && !holdersInside.isEmpty()) {
                orphaned += resident;
            }
        }
        long freedByKill = charged.get(AccountingPolicy.freeable);
        List<ProcessFacts> inside = new ArrayList<>();
        for (ProcessFacts process : facts.processes()) {
            if (members.contains(process.pid())) {
                MmCounters counters = process.counters();
                freedByKill += counters.anonBytes() + counters.swapBytes() + counters.pageTableBytes();
                inside.add(process);
            }
        }
        Map<String, Integer> victims = new TreeMap<>();
        Map<String, Boolean> mismatches = new TreeMap<>();
        int best = 0;
        if (usage != null && usage.memoryMaxBytes() != EventBody.NO_LIMIT) {
            long totalPages = Math.max(1, usage.memoryMaxBytes() / EventBody.PAGE_SIZE);
            List<ProcessTruth> candidates = processes.stream().filter(process -> members.contains(process.pid())).toList();
            best = GroundTruth.bestVictim(candidates);
            long bestFreed = GroundTruth.freed(candidates, best);
            for (AccountingPolicy policy : AccountingPolicy.ALL) {
                int victim = GroundTruth.victim(inside, totalPages, policy,
                        pid -> candidates.stream().filter(process -> process.pid() == pid).findFirst().orElseThrow()
                                .charged().get(policy.name()));
                victims.put(policy.name(), victim);
                mismatches.put(policy.name(), victim != 0 && GroundTruth.freed(candidates, victim) < bestFreed);
            }
        }
        return new CgroupTruth(path, List.copyOf(members), PolicyMaps.of(charged::get), PolicyMaps.of(unaccounted::get), orphaned,
                freedByKill, usage, victims, best, mismatches);
    }

    private static void addWithAncestors(Set<String> paths, String cgroup) {
        for (String path = cgroup; !path.equals(EventBody.ROOT_CGROUP); ) {
            paths.add(path);
            int slash = path.lastIndexOf('/');
            path = slash == 0 ? EventBody.ROOT_CGROUP : path.substring(0, slash);
        }
    }
}
