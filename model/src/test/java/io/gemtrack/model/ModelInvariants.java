package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An oracle for the incremental bookkeeping: recomputes holders from fds, handles and mappings (SEMANTICS.md
 * §4) and every charge straight from the table of §5, the slow and obvious way, and asserts the model's
 * running figures equal them. Tests call it after every event.
 */
final class ModelInvariants {

    private ModelInvariants() {
    }

    static void check(HostModel model) {
        HostState state = model.state;
        Map<GemObject, Map<Integer, Integer>> references = references(state);
        Map<Integer, Map<Policy, Long>> expectedCharges = new TreeMap<>();
        Map<Policy, long[]> expectedTotals = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> expectedTotals.put(policy, new long[3]));
        Map<RegionUsage, long[]> regions = new HashMap<>();
        long orphaned = 0;

        for (GemObject object : state.objects) {
            Map<Integer, Integer> holders = references.getOrDefault(object, Map.of());
            assertThat(object.holders().stream().map(Process::pid).toList()).as("holders of %s", object)
                    .isEqualTo(List.copyOf(holders.keySet()));
            holders.forEach((pid, count) -> assertThat(object.referencesBy(state.processes.get(pid)))
                    .as("references of %s by %d", object, pid).isEqualTo(count));
            long resident = object.residentBytes();
            Process creator = object.creatorMm().alive() ? object.creatorMm().owner() : null;
            if (creator == null) {
                orphaned += resident;
            }
            long[] region = regions.computeIfAbsent(object.region(), key -> new long[3]);
            region[0]++;
            region[1] += object.sizeBytes();
            region[2] += resident;
            for (Policy policy : Policy.all()) {
                Map<Integer, Long> charged = chargesFor(policy, object, creator, List.copyOf(holders.keySet()));
                charged.forEach((pid, bytes) -> expectedCharges.computeIfAbsent(pid, p -> new EnumMap<>(Policy.class))
                        .merge(policy, bytes, Long::sum));
                long total = charged.values().stream().mapToLong(Long::longValue).sum();
                long[] totals = expectedTotals.get(policy);
                totals[0] += total;
                totals[1] += Math.max(0, resident - total);
                totals[2] += Math.max(0, total - resident);
            }
        }
        for (Process process : state.processes.values()) {
            for (Policy policy : Policy.all()) {
                long expected = expectedCharges.getOrDefault(process.pid(), Map.of()).getOrDefault(policy, 0L);
                assertThat(process.charged(policy)).as("%s charge of %s", policy, process).isEqualTo(expected);
            }
        }
        for (Policy policy : Policy.all()) {
            long[] totals = expectedTotals.get(policy);
            assertThat(new long[] {state.ledger.charged(policy), state.ledger.unaccounted(policy), state.ledger.overcharged(policy)})
                    .as("%s charged, unaccounted, overcharged", policy).containsExactly(totals);
        }
        assertThat(state.ledger.orphanedBytes()).as("orphaned").isEqualTo(orphaned);
        assertThat(state.ledger.objects()).as("objects").isEqualTo(state.objects.size());
        for (RegionUsage region : state.ledger.regions()) {
            long[] expected = regions.getOrDefault(region, new long[3]);
            assertThat(new long[] {region.objects(), region.gemBytes(), region.residentBytes()})
                    .as("region %d/%s", region.minor(), region.name()).containsExactly(expected);
        }
        checkTasks(state);
    }

    /** Per object, per holder pid (ascending), the references that make it a holder; checks the objects' counts too. */
    private static Map<GemObject, Map<Integer, Integer>> references(HostState state) {
        Map<GemObject, Map<Integer, Integer>> references = new HashMap<>();
        Map<GemObject, int[]> counts = new HashMap<>();
        for (Process process : state.processes.values()) {
            for (FdTarget target : process.fds().values()) {
                target.forEachObject(object -> references.computeIfAbsent(object, o -> new TreeMap<>())
                        .merge(process.pid(), 1, Integer::sum));
            }
            process.mm().mappings().forEach((object, count) -> {
                references.computeIfAbsent(object, o -> new TreeMap<>()).merge(process.pid(), count, Integer::sum);
                counts.computeIfAbsent(object, o -> new int[3])[2] += count;
            });
        }
        state.files.values().forEach(file -> file.handles().values().forEach(object -> counts.computeIfAbsent(object, o -> new int[3])[0]++));
        state.dmaBufs.values().forEach(dmaBuf -> counts.computeIfAbsent(dmaBuf.object(), o -> new int[3])[1]++);
        for (GemObject object : state.objects) {
            assertThat(new int[] {object.handles(), object.dmaBufs(), object.mappings()}).as("handles, dma-bufs, mappings of %s", object)
                    .containsExactly(counts.getOrDefault(object, new int[3]));
        }
        return references;
    }

    /** SEMANTICS.md §5, one object at a time, written out rather than shared with the production code. */
    private static Map<Integer, Long> chargesFor(Policy policy, GemObject object, Process creator, List<Integer> holders) {
        long resident = object.residentBytes();
        Map<Integer, Long> charged = new TreeMap<>();
        switch (policy) {
            case rss:
                break;
            case rfc:
                if (creator != null && resident > 0) {
                    charged.put(creator.pid(), object.sizeBytes());
                }
                break;
            case resident:
                if (creator != null) {
                    charged.put(creator.pid(), resident);
                }
                break;
            case proportional:
                for (int i = 0; i < holders.size(); i++) {
                    charged.put(holders.get(i), resident / holders.size() + (i < resident % holders.size() ? 1 : 0));
                }
                break;
            case holder:
                holders.forEach(pid -> charged.put(pid, resident));
                break;
            case freeable:
                if (holders.size() == 1) {
                    charged.put(holders.get(0), resident);
                }
                break;
            default:
                throw new AssertionError(policy);
        }
        return charged;
    }

    private static void checkTasks(HostState state) {
        Map<Integer, Integer> expected = new TreeMap<>();
        state.processes.values().forEach(process -> {
            expected.put(process.pid(), process.pid());
            process.threads().forEach(thread -> expected.put(thread, process.pid()));
        });
        Map<Integer, Integer> actual = new TreeMap<>();
        state.tasks.forEach((pid, group) -> actual.put(pid, group.pid()));
        assertThat(actual).as("tasks").isEqualTo(expected);
    }
}
