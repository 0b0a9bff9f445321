package io.gemtrack.benchmarks;

import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.BusyHost;

/** A {@link BusyHost} folded into the aggregator's model, and what that model costs in heap. */
public final class BusyHostModel {

    private BusyHostModel() {
    }

    /** Folds the host's events into a new model; every event must apply. */
    public static HostModel fold(BusyHost shape) {
        HostModel host = new HostModel(BusyHost.NAME);
        shape.events(event -> {
            ApplyResult result = host.apply(event);
            if (result != ApplyResult.APPLIED) {
                throw new IllegalStateException("the busy host's " + event.body() + " was not applied: " + result);
            }
        });
        return host;
    }

    /**
     * Heap held by a model of this host, divided by its live objects: used heap after full collections with
     * the model, less the same without it. Needs a JVM that honours {@link System#gc()}.
     */
    public static double heapBytesPerObject(BusyHost shape) {
        long before = BusyHost.usedHeapAfterGc();
        HostModel model = fold(shape);
        long after = BusyHost.usedHeapAfterGc();
        if (model.liveObjects() != shape.objects()) {
            throw new IllegalStateException("the busy host has " + model.liveObjects() + " objects, not " + shape.objects());
        }
        return (double) (after - before) / shape.objects();
    }
}
