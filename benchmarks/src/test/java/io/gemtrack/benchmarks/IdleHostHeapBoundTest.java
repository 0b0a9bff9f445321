package io.gemtrack.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A host without GEM objects is cheap, so that a fleet of 100,000 fits one aggregator: one that has reported its
 * memory and its device costs the model at most 2 KiB of heap (about 1,880 bytes measured; 4,070 while every host
 * kept empty hash tables of their default sizes, two maps for its regions and red-black trees' path arrays).
 */
class IdleHostHeapBoundTest {

    private static final double BOUND_BYTES_PER_HOST = 2048;
    private static final int HOSTS = 20_000;

    @Test
    void hostWithoutObjectsCostsAtMostTheBoundInHeap() {
        double bytesPerHost = IdleHosts.heapBytesPerHost(HOSTS, IdleHosts.reported());

        assertThat(bytesPerHost).as("heap bytes per host of %,d without objects", HOSTS)
                .isPositive().isLessThanOrEqualTo(BOUND_BYTES_PER_HOST);
    }
}
