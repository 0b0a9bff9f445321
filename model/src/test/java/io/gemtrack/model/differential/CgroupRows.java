package io.gemtrack.model.differential;

import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.cgroup.CgroupAccounting;
import io.gemtrack.model.cgroup.CgroupFigures;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.Policy;
import io.gemtrack.producer.truth.CgroupTruth;
import io.gemtrack.producer.truth.HostTruth;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every cgroup figure the differential test compares (SEMANTICS.md §11), one row per cgroup by path: equal maps mean the
 * aggregator's cgroup accounting and the emulator's truth agree to the byte.
 *
 * @param victims    per policy, the memcg OOM victim inside the cgroup (0 for none); empty without a {@code memory.max}
 * @param bestVictim inside the cgroup, the candidate whose kill frees the most; 0 without a limit
 */
record CgroupRows(String path, List<Integer> pids, Map<Policy, Long> charged, Map<Policy, Long> unaccounted, long orphanedBytes,
                  long freedByKillBytes, ResourceUsage usage, Map<Policy, Integer> victims, int bestVictim,
                  Map<Policy, Boolean> mismatches) {

    /** The aggregator's answers. */
    static Map<String, CgroupRows> of(HostModel host) {
        Map<String, CgroupRows> rows = new TreeMap<>();
        for (CgroupFigures cgroup : CgroupAccounting.of(host).cgroups()) {
            Map<Policy, Integer> victims = new EnumMap<>(Policy.class);
            Map<Policy, Boolean> mismatches = new EnumMap<>(Policy.class);
            int best = 0;
            for (Map.Entry<Policy, OomRanking> ranking : cgroup.oom().entrySet()) {
                victims.put(ranking.getKey(), pid(ranking.getValue().victim()));
                mismatches.put(ranking.getKey(), ranking.getValue().mismatch());
                best = pid(ranking.getValue().bestVictim());
            }
            rows.put(cgroup.path(), new CgroupRows(cgroup.path(), cgroup.pids(), new EnumMap<>(cgroup.charged()),
                    new EnumMap<>(cgroup.unaccounted()), cgroup.orphanedBytes(), cgroup.freedByKillBytes(), cgroup.usage(), victims,
                    best, mismatches));
        }
        return rows;
    }

    /** The emulator's ground truth. */
    static Map<String, CgroupRows> fromTruth(HostTruth truth) {
        Map<String, CgroupRows> rows = new TreeMap<>();
        for (CgroupTruth cgroup : truth.cgroups().values()) {
            Map<Policy, Integer> victims = new EnumMap<>(Policy.class);
            Map<Policy, Boolean> mismatches = new EnumMap<>(Policy.class);
            cgroup.victims().forEach((policy, pid) -> victims.put(Policy.named(policy).orElseThrow(), pid));
            cgroup.mismatches().forEach((policy, mismatch) -> mismatches.put(Policy.named(policy).orElseThrow(), mismatch));
            rows.put(cgroup.path(), new CgroupRows(cgroup.path(), cgroup.pids(),
                    HostFigures.perPolicy(policy -> cgroup.charged().get(policy.name())),
                    HostFigures.perPolicy(policy -> cgroup.unaccounted().get(policy.name())), cgroup.orphanedBytes(),
                    cgroup.freedByKill(), cgroup.usage(), victims, cgroup.bestVictim(), mismatches));
        }
        return rows;
    }

    private static int pid(OomCandidate candidate) {
        return candidate == null ? 0 : candidate.pid();
    }
}
