package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.counter;
import static io.gemtrack.aggregator.metrics.ModelMetric.gauge;

import io.gemtrack.model.HostModel;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/** The per-host figures of docs/METRICS.md: memory by region and policy, and the host's bookkeeping counters. */
final class HostMetrics {

    static final ModelMetric GEM_BYTES = gauge("gemtrack_host_gem_bytes",
            "Size of the live GEM objects on the host.", Unit.BYTES, "host");
    static final ModelMetric GEM_OBJECTS = gauge("gemtrack_host_gem_objects",
            "Live GEM objects on the host.", null, "host");
    static final ModelMetric RESIDENT_BYTES = gauge("gemtrack_host_resident_bytes",
            "Resident (pinned) bytes of the live GEM objects on the host.", Unit.BYTES, "host");
    /** The driver label of a region whose device no DrmDeviceAdded declared. */
    static final String UNDECLARED_DRIVER = "undeclared";

    static final ModelMetric REGION_GEM_BYTES = gauge("gemtrack_host_region_gem_bytes",
            "Size of the live GEM objects by DRM device (minor and driver) and memory region.", Unit.BYTES,
            "host", "minor", "driver", "region");
    static final ModelMetric REGION_RESIDENT_BYTES = gauge("gemtrack_host_region_resident_bytes",
            "Resident bytes of the live GEM objects by DRM device (minor and driver) and memory region.", Unit.BYTES,
            "host", "minor", "driver", "region");
    static final ModelMetric CHARGED_BYTES = gauge("gemtrack_host_charged_bytes",
            "GEM bytes the policy charges to the host's processes, summed over processes.", Unit.BYTES, "host", "policy");
    static final ModelMetric UNACCOUNTED_BYTES = gauge("gemtrack_host_unaccounted_bytes",
            "Resident GEM bytes the policy charges to no process.", Unit.BYTES, "host", "policy");
    static final ModelMetric OVERCHARGED_BYTES = gauge("gemtrack_host_overcharged_bytes",
            "GEM bytes the policy charges beyond what is resident (counted once per extra holder or unpinned byte).",
            Unit.BYTES, "host", "policy");
    static final ModelMetric ORPHANED_BYTES = gauge("gemtrack_host_orphaned_bytes",
            "Resident bytes of live GEM objects whose creator's mm is dead, which the RFC charges to no one.",
            Unit.BYTES, "host");
    static final ModelMetric PROCESSES = gauge("gemtrack_host_processes",
            "Live processes (thread groups) on the host.", null, "host");
    static final ModelMetric SYNCHRONISED = gauge("gemtrack_host_synchronised",
            "1 while the host's model has seen every event, 0 after a sequence gap until the next snapshot.", null, "host");
    static final ModelMetric COUNTER_MISMATCHED_PROCESSES = gauge("gemtrack_counter_mismatched_processes",
            "Processes whose last MmCounters sample disagreed with the rfc policy's charge.", null, "host");
    static final ModelMetric COUNTER_MISMATCHES = counter("gemtrack_counter_mismatches",
            "MmCounters samples whose MM_DRIVERPAGES disagreed with the rfc policy's charge (fork flaw, driver bugs).",
            "host");
    static final ModelMetric SEQUENCE_GAPS = counter("gemtrack_sequence_gaps",
            "Events of the host that never reached the aggregator: the missing numbers in its sequence.", "host");

    static final List<ModelMetric> ALL = List.of(GEM_BYTES, GEM_OBJECTS, RESIDENT_BYTES, REGION_GEM_BYTES,
            REGION_RESIDENT_BYTES, CHARGED_BYTES, UNACCOUNTED_BYTES, OVERCHARGED_BYTES, ORPHANED_BYTES, PROCESSES,
            SYNCHRONISED, COUNTER_MISMATCHED_PROCESSES, COUNTER_MISMATCHES, SEQUENCE_GAPS);

    private HostMetrics() {
    }

    static void report(HostModel host, ScrapeSamples samples) {
        String name = host.host();
        Ledger ledger = host.ledger();
        samples.add(GEM_BYTES, ledger.gemBytes(), name);
        samples.add(GEM_OBJECTS, ledger.objects(), name);
        samples.add(RESIDENT_BYTES, ledger.residentBytes(), name);
        samples.add(ORPHANED_BYTES, ledger.orphanedBytes(), name);
        for (RegionUsage region : ledger.regions()) {
            String minor = Integer.toString(region.minor());
            String driver = host.driver(region.minor()).orElse(UNDECLARED_DRIVER);
            samples.add(REGION_GEM_BYTES, region.gemBytes(), name, minor, driver, region.name());
            samples.add(REGION_RESIDENT_BYTES, region.residentBytes(), name, minor, driver, region.name());
        }
        for (Policy policy : Policy.all()) {
            samples.add(CHARGED_BYTES, ledger.charged(policy), name, policy.name());
            samples.add(UNACCOUNTED_BYTES, ledger.unaccounted(policy), name, policy.name());
            samples.add(OVERCHARGED_BYTES, ledger.overcharged(policy), name, policy.name());
        }
        samples.add(PROCESSES, host.processes().size(), name);
        samples.add(SYNCHRONISED, host.synchronised() ? 1 : 0, name);
        samples.add(COUNTER_MISMATCHED_PROCESSES, host.processesWithCounterMismatch(), name);
        samples.add(COUNTER_MISMATCHES, host.counterMismatches(), name);
        samples.add(SEQUENCE_GAPS, host.sequenceGaps(), name);
    }
}
