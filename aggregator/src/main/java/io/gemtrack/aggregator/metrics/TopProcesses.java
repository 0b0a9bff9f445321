package io.gemtrack.aggregator.metrics;

import io.gemtrack.model.Process;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

/**
 * The processes of a host with the largest figure (ties: lowest pid), at most {@code limit} of them, and the sum
 * of the figure over all the others: what keeps per-process series bounded while their sum stays the host's.
 * Processes whose figure is 0 are never in the top; they would only add series that say nothing.
 */
record TopProcesses(List<Ranked> top, long otherBytes) {

    record Ranked(Process process, long bytes) {
    }

    /** Smallest first, so the heap's head is the one a larger figure pushes out. */
    private static final Comparator<Ranked> SMALLEST_FIRST =
            Comparator.comparingLong(Ranked::bytes).thenComparingInt(ranked -> -ranked.process().pid());

    static TopProcesses of(Collection<Process> processes, int limit, ToLongFunction<Process> figure) {
        PriorityQueue<Ranked> top = new PriorityQueue<>(limit + 1, SMALLEST_FIRST);
        long total = 0;
        for (Process process : processes) {
            long bytes = figure.applyAsLong(process);
            total += bytes;
            if (bytes > 0 && limit > 0) {
                top.add(new Ranked(process, bytes));
                if (top.size() > limit) {
                    top.poll();
                }
            }
        }
        List<Ranked> largestFirst = new ArrayList<>(top);
        largestFirst.sort(SMALLEST_FIRST.reversed());
        long inTop = largestFirst.stream().mapToLong(Ranked::bytes).sum();
        return new TopProcesses(List.copyOf(largestFirst), total - inTop);
    }
}
