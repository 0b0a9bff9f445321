package io.gemtrack.benchmarks;

import io.gemtrack.testkit.BusyHost;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model's memory bound of issue 8, as a test that measures bytes, not time: a live GEM object (here each
 * pinned, held through one DRM-file handle, with its creator alive) costs at most 200 bytes of heap. The model
 * needs about 100 at this size, so the bound leaves room for measurement noise, yet a return of per-object
 * nodes and boxes (280 bytes before issue 8) fails it.
 */
class ModelHeapBoundTest {

    private static final double BOUND_BYTES_PER_OBJECT = 200;

    @Test
    void liveGemObjectCostsAtMostTheBoundInHeap() {
        BusyHost host = new BusyHost(200, 1_000);

        double bytesPerObject = BusyHostModel.heapBytesPerObject(host);

        assertThat(bytesPerObject).as("heap bytes per live object of %,d", host.objects())
                .isPositive().isLessThanOrEqualTo(BOUND_BYTES_PER_OBJECT);
    }
}
