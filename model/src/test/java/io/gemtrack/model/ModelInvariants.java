package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An oracle for the incremental bookkeeping: recomputes holders from fds, handles and mappings (SEMANTICS.md
 * §4) and every charge straight from the table of §5, the slow and obvious way, in unbounded integers read
 * saturated at {@link Long#MAX_VALUE} (§10), and asserts the model's running figures equal them. Tests call it
 * after every event.
 */
public final class ModelInvariants {

    private ModelInvariants() {
    }

    public static void check(HostModel model) {
        HostState state = model.state;
        Map<GemObject, Map<Integer, Long>> references = references(state);
        Map<Integer, Map<Policy, BigInteger>> expectedCharges = new TreeMap<>();
        Map<Policy, BigInteger[]> expectedTotals = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> expectedTotals.put(policy, zeros(3)));
        Map<RegionUsage, BigInteger[]> regions = new HashMap<>();
        BigInteger orphaned = BigInteger.ZERO;

        for (GemObject object : state.objects) {
            Map<Integer, Long> holders = references.getOrDefault(object, Map.of());
            assertThat(object.holders().stream().map(Process::pid).toList()).as("holders of %s", object)
                    .isEqualTo(List.copyOf(holders.keySet()));
            holders.forEach((pid, count) -> assertThat(object.referencesBy(state.processes.get(pid)))
                    .as("references of %s by %d", object, pid).isEqualTo(count));
            BigInteger resident = BigInteger.valueOf(object.residentBytes());
            Process creator = object.creatorMm().alive() ? object.creatorMm().owner() : null;
            if (creator == null) {
                orphaned = orphaned.add(resident);
            }
            BigInteger[] region = regions.computeIfAbsent(object.region(), key -> zeros(3));
            region[0] = region[0].add(BigInteger.ONE);
            region[1] = region[1].add(BigInteger.valueOf(object.sizeBytes()));
            region[2] = region[2].add(resident);
            for (Policy policy : Policy.all()) {
                Map<Integer, Long> charged = chargesFor(policy, object, creator, List.copyOf(holders.keySet()));
                charged.forEach((pid, bytes) -> expectedCharges.computeIfAbsent(pid, p -> new EnumMap<>(Policy.class))
                        .merge(policy, BigInteger.valueOf(bytes), BigInteger::add));
                BigInteger total = charged.values().stream().map(BigInteger::valueOf).reduce(BigInteger.ZERO, BigInteger::add);
                BigInteger[] totals = expectedTotals.get(policy);
                totals[0] = totals[0].add(total);
                totals[1] = totals[1].add(resident.subtract(total).max(BigInteger.ZERO));
                totals[2] = totals[2].add(total.subtract(resident).max(BigInteger.ZERO));
            }
        }
        for (Process process : state.processes.values()) {
            for (Policy policy : Policy.all()) {
                BigInteger expected = expectedCharges.getOrDefault(process.pid(), Map.of()).getOrDefault(policy, BigInteger.ZERO);
                assertThat(process.charged(policy)).as("%s charge of %s", policy, process).isEqualTo(saturated(expected));
            }
        }
        for (Policy policy : Policy.all()) {
            BigInteger[] totals = expectedTotals.get(policy);
            assertThat(new long[] {state.ledger.charged(policy), state.ledger.unaccounted(policy), state.ledger.overcharged(policy)})
                    .as("%s charged, unaccounted, overcharged", policy).containsExactly(saturated(totals));
        }
        assertThat(state.ledger.orphanedBytes()).as("orphaned").isEqualTo(saturated(orphaned));
        assertThat(state.ledger.objects()).as("objects").isEqualTo(state.objects.size());
        for (RegionUsage region : state.ledger.regions()) {
            BigInteger[] expected = regions.getOrDefault(region, zeros(3));
            assertThat(new long[] {region.objects(), region.gemBytes(), region.residentBytes()})
                    .as("region %d/%s", region.minor(), region.name()).containsExactly(saturated(expected));
        }
        checkTasks(state);
        checkListings(model);
    }

    /**
     * The listings read from indexes, against a pass over every object: each order's pages, and per process what it
     * holds and what it created or holds.
     */
    private static void checkListings(HostModel model) {
        List<GemObject> all = List.copyOf(model.state.objects);
        Map<ObjectSort, Comparator<GemObject>> orders = Map.of(ObjectSort.id, Comparator.comparingLong(GemObject::id),
                ObjectSort.size, Comparator.comparingLong(GemObject::sizeBytes).reversed().thenComparingLong(GemObject::id));
        orders.forEach((sort, order) -> {
            List<GemObject> expected = all.stream().sorted(order).toList();
            assertThat(model.objects(sort, 0, Integer.MAX_VALUE)).as("objects by %s", sort).isEqualTo(expected);
            int offset = expected.size() / 3;
            assertThat(model.objects(sort, offset, 2)).as("objects by %s from %d, two", sort, offset)
                    .isEqualTo(expected.subList(offset, Math.min(offset + 2, expected.size())));
            assertThat(model.objects(sort, expected.size(), 5)).as("objects by %s past the end", sort).isEmpty();
        });
        for (Process process : model.state.processes.values()) {
            List<GemObject> byId = all.stream().sorted(Comparator.comparingLong(GemObject::id)).toList();
            assertThat(model.heldBy(process)).as("objects held by %s", process)
                    .isEqualTo(byId.stream().filter(object -> object.isHeldBy(process)).toList());
            assertThat(model.objectsOf(process)).as("objects created or held by %s", process)
                    .isEqualTo(byId.stream().filter(object -> object.creator() == process || object.isHeldBy(process)).toList());
        }
    }

    private static BigInteger[] zeros(int count) {
        BigInteger[] zeros = new BigInteger[count];
        Arrays.fill(zeros, BigInteger.ZERO);
        return zeros;
    }

    /** A figure as the model reads it out: exact within a {@code long}, else the nearest {@code long}. */
    private static long saturated(BigInteger value) {
        return value.max(BigInteger.valueOf(Long.MIN_VALUE)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
    }

    private static long[] saturated(BigInteger[] values) {
        return Arrays.stream(values).mapToLong(ModelInvariants::saturated).toArray();
    }

    /** Per object, per holder pid (ascending), the references that make it a holder; checks the objects' counts too. */
    private static Map<GemObject, Map<Integer, Long>> references(HostState state) {
        Map<GemObject, Map<Integer, Long>> references = new HashMap<>();
        Map<GemObject, long[]> counts = new HashMap<>();
        for (Process process : state.processes.values()) {
            for (FdTarget target : process.fds().values()) {
                target.forEachObject(object -> references.computeIfAbsent(object, o -> new TreeMap<>())
                        .merge(process.pid(), 1L, Long::sum));
            }
            process.mm().mappings().forEach((object, count) -> {
                references.computeIfAbsent(object, o -> new TreeMap<>()).merge(process.pid(), (long) count, Long::sum);
                counts.computeIfAbsent(object, o -> new long[3])[2] += count;
            });
        }
        state.files.values().forEach(file -> file.handles().values().forEach(object -> counts.computeIfAbsent(object, o -> new long[3])[0]++));
        state.dmaBufs.values().forEach(dmaBuf -> counts.computeIfAbsent(dmaBuf.object(), o -> new long[3])[1]++);
        for (GemObject object : state.objects) {
            assertThat(new long[] {object.handles(), object.dmaBufs(), object.mappings()}).as("handles, dma-bufs, mappings of %s", object)
                    .containsExactly(counts.getOrDefault(object, new long[3]));
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
