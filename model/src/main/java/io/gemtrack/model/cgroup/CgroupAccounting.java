package io.gemtrack.model.cgroup;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.model.CgroupPath;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.oom.WhatIfKilled;
import io.gemtrack.policy.ExactSums;
import io.gemtrack.policy.ObjectCharges;
import io.gemtrack.policy.Policy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The figures of every cgroup of a host (SEMANTICS.md §11), worked out on demand from the model: one pass over its
 * objects, each adding to the cgroups its creator and holders are in and to those above them. The per-object
 * charges come from the policies themselves ({@link ObjectCharges}), so a cgroup is charged by the same rules as its
 * processes.
 */
public final class CgroupAccounting {

    private static final List<Policy> POLICIES = Policy.all();
    /** Sums of a node: charged per policy, unaccounted per policy, orphaned. */
    private static final int ORPHANED = 2 * POLICIES.size();

    private CgroupAccounting() {
    }

    /** Every cgroup a process is in or a sample names, with every cgroup above them: the host's tree. */
    public static CgroupTree of(HostModel host) {
        Map<String, Node> nodes = new TreeMap<>();
        nodes.put(EventBody.ROOT_CGROUP, new Node());
        for (Process process : host.processes()) {
            for (String cgroup : CgroupPath.selfAndAncestors(process.cgroup())) {
                nodes.computeIfAbsent(cgroup, path -> new Node()).members.add(process);
            }
        }
        for (ResourceUsage usage : host.resourceUsage()) {
            CgroupPath.selfAndAncestors(usage.cgroup()).forEach(cgroup -> nodes.computeIfAbsent(cgroup, path -> new Node()));
            nodes.get(usage.cgroup()).sampled(usage);
        }
        for (GemObject object : host.objects()) {
            account(object, nodes);
        }
        Map<String, CgroupFigures> figures = new TreeMap<>();
        nodes.forEach((path, node) -> figures.put(path, node.figures(path, host.totalPages())));
        return new CgroupTree(figures);
    }

    /** Adds what {@code object} contributes to each cgroup its creator or a holder lies in. */
    private static void account(GemObject object, Map<String, Node> nodes) {
        List<Process> holders = object.holders();
        Process creator = object.creator();
        Set<String> touched = new LinkedHashSet<>();
        if (creator != null) {
            touched.addAll(CgroupPath.selfAndAncestors(creator.cgroup()));
        }
        for (Process holder : holders) {
            touched.addAll(CgroupPath.selfAndAncestors(holder.cgroup()));
        }
        if (touched.isEmpty()) {
            return;
        }
        ObjectCharges charges = ObjectCharges.of(object);
        ExactSums chargedInAll = new ExactSums(POLICIES.size());
        for (Policy policy : POLICIES) {
            if (charges.creator() != null) {
                chargedInAll.add(policy.ordinal(), charges.creator().get(policy));
            }
            for (int i = 0; i < holders.size(); i++) {
                chargedInAll.add(policy.ordinal(), charges.holder(i).get(policy));
            }
        }
        long resident = object.residentBytes();
        for (String cgroup : touched) {
            Node node = nodes.get(cgroup);
            boolean creatorInside = creator != null && CgroupPath.within(creator.cgroup(), cgroup);
            int inside = 0;
            for (Process holder : holders) {
                if (CgroupPath.within(holder.cgroup(), cgroup)) {
                    inside++;
                }
            }
            for (Policy policy : POLICIES) {
                int index = policy.ordinal();
                switch (policy) {
                    case holder -> node.sums.add(index, inside > 0 ? resident : 0);
                    case freeable -> node.sums.add(index, inside > 0 && inside == holders.size() ? resident : 0);
                    default -> {
                        if (creatorInside) {
                            node.sums.add(index, charges.creator().get(policy));
                        }
                        for (int i = 0; i < holders.size(); i++) {
                            if (CgroupPath.within(holders.get(i).cgroup(), cgroup)) {
                                node.sums.add(index, charges.holder(i).get(policy));
                            }
                        }
                    }
                }
                if (!chargedInAll.exceeds(index, resident - 1)) {
                    node.sums.add(POLICIES.size() + index, resident - chargedInAll.get(index));
                }
            }
            if (!object.creatorMmAlive() && inside > 0) {
                node.sums.add(ORPHANED, resident);
            }
        }
    }

    /**
     * What killing every process of {@code cgroup} would do: the bytes it frees, the buffers that die with them (no
     * holder outside), and every other buffer they hold with the processes outside left holding it.
     */
    public static WhatIfKilled whatIfKilled(HostModel host, CgroupFigures cgroup) {
        List<WhatIfKilled.FreedObject> freed = new ArrayList<>();
        List<WhatIfKilled.StillHeld> stillHeld = new ArrayList<>();
        host.objects().stream().sorted(Comparator.comparingLong(GemObject::id)).forEach(object -> {
            List<Process> holders = object.holders();
            if (holders.stream().noneMatch(holder -> CgroupPath.within(holder.cgroup(), cgroup.path()))) {
                return;
            }
            List<Integer> outside = holders.stream().filter(holder -> !CgroupPath.within(holder.cgroup(), cgroup.path()))
                    .map(Process::pid).toList();
            if (outside.isEmpty()) {
                freed.add(new WhatIfKilled.FreedObject(object.id(), object.residentBytes()));
            } else {
                stillHeld.add(new WhatIfKilled.StillHeld(object.id(), object.residentBytes(), outside));
            }
        });
        return new WhatIfKilled(0, cgroup.path(), cgroup.freedByKillBytes(), freed, stillHeld);
    }

    /** A cgroup while its figures are summed. */
    private static final class Node {
        final List<Process> members = new ArrayList<>();
        final ExactSums sums = new ExactSums(ORPHANED + 1);
        private ResourceUsage usage;

        void sampled(ResourceUsage usage) {
            this.usage = usage;
        }

        CgroupFigures figures(String path, long hostTotalPages) {
            Map<Policy, Long> charged = new EnumMap<>(Policy.class);
            Map<Policy, Long> unaccounted = new EnumMap<>(Policy.class);
            for (Policy policy : POLICIES) {
                charged.put(policy, sums.get(policy.ordinal()));
                unaccounted.put(policy, sums.get(POLICIES.size() + policy.ordinal()));
            }
            long freedByKill = charged.get(Policy.freeable);
            for (Process member : members) {
                MmCounters counters = member.counters();
                freedByKill = ExactSums.saturatedAdd(freedByKill,
                        counters.anonBytes() + counters.swapBytes() + counters.pageTableBytes());
            }
            Map<Policy, OomRanking> oom = new EnumMap<>(Policy.class);
            if (usage != null && usage.memoryMaxBytes() != EventBody.NO_LIMIT) {
                // The kernel's mem_cgroup_get_max, with swap.max taken as 0, and at least a page.
                long totalPages = Math.max(1, usage.memoryMaxBytes() / EventBody.PAGE_SIZE);
                POLICIES.forEach(policy -> oom.put(policy, OomAdvisor.rank(members, totalPages, policy)));
            }
            return new CgroupFigures(path, CgroupNames.of(path), members.stream().map(Process::pid).sorted().toList(), charged,
                    unaccounted, sums.get(ORPHANED), freedByKill, usage, oom);
        }
    }
}
