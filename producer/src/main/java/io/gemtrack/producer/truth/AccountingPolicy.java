package io.gemtrack.producer.truth;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The accounting policies of SEMANTICS.md §5, as the emulator's own reading of the table: for one object, the
 * bytes each process is charged. Written apart from the aggregator's implementation on purpose, so that the
 * differential tests compare two readings of the contract. The names are the ones the aggregator reports.
 */
public enum AccountingPolicy {

    /** Today's kernel: no GEM bytes at all. */
    rss,
    /** The RFC's {@code MM_DRIVERPAGES}: the whole size to the creator while anything is resident and its mm lives. */
    rfc,
    /** The RFC fixed for sparse objects: only the resident bytes, to the creator while its mm lives. */
    resident,
    /** A PSS: the resident bytes split over the holders, one extra byte each to the lowest pids for the remainder. */
    proportional,
    /** Per-file OOM badness: every holder pays the whole resident size. */
    holder,
    /** A USS: the resident bytes, to the holder if there is exactly one. */
    freeable;

    public static final List<AccountingPolicy> ALL = List.of(values());

    /** pid to bytes charged for {@code object}; processes charged nothing are left out. */
    public Map<Integer, Long> charges(ObjectTruth object) {
        Map<Integer, Long> charges = new TreeMap<>();
        long bytes = object.residentBytes();
        List<Integer> holders = object.holders();
        if (this == rfc && object.creatorMmAlive() && bytes > 0) {
            charges.put(object.creatorPid(), object.sizeBytes());
        } else if (this == resident && object.creatorMmAlive() && bytes > 0) {
            charges.put(object.creatorPid(), bytes);
        } else if (this == proportional) {
            int n = holders.size();
            for (int rank = 0; rank < n; rank++) {
                charges.put(holders.get(rank), bytes / n + (rank < bytes % n ? 1 : 0));
            }
        } else if (this == holder) {
            holders.forEach(pid -> charges.put(pid, bytes));
        } else if (this == freeable && holders.size() == 1) {
            charges.put(holders.get(0), bytes);
        }
        return charges;
    }

    public static Optional<AccountingPolicy> named(String name) {
        return ALL.stream().filter(policy -> policy.name().equals(name)).findFirst();
    }

    /** {@code rss, rfc, ...}, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
