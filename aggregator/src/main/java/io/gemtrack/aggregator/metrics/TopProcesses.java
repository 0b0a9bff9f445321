package io.gemtrack.aggregator.metrics;

import io.gemtrack.model.Process;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

/**
 * The processes of a host with the largest figure (ties: lowest pid), at most {@code limit} of them: what keeps
 * per-process series bounded. Processes whose figure is 0 are never in the top; they would only add series that
 * say nothing.
 */
record TopProcesses(List<Ranked> top) {

    record Ranked(Process process, long bytes) {
    }

    /** Smallest first, so the heap's head is the one a larger figure pushes out. */
    private static final Comparator<Ranked> SMALLEST_FIRST =
            Comparator.comparingLong(Ranked::bytes).thenComparingInt(ranked -> -ranked.process().pid());

    static TopProcesses of(Collection<Process> processes, int limit, ToLongFunction<Process> figure) {
        PriorityQueue<Ranked> top = new PriorityQueue<>(limit + 1, SMALLEST_FIRST);
        for (Process process : processes) {
            long bytes = figure.applyAsLong(process);
            if (bytes > 0 && limit > 0) {
                top.add(new Ranked(process, bytes));
                if (top.size() > limit) {
                    top.poll();
                }
            }
        }
        List<Ranked> largestFirst = new ArrayList<>(top);
        largestFirst.sort(SMALLEST_FIRST.reversed());
        return new TopProcesses(List.copyOf(largestFirst));
    }
}
