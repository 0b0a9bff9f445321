package io.gemtrack.model;

import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.RegionUsage;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A canonical text of a host model's whole state, derived figures included, in a fixed order: equal texts
 * mean equal models, so "a rejected event changes nothing" is one string comparison.
 */
final class ModelDump {

    private ModelDump() {
    }

    static String of(HostModel model) {
        HostState state = model.state;
        StringBuilder out = new StringBuilder();
        out.append("memory ").append(state.memory()).append('\n');
        state.devices.values().forEach(device -> out.append(device).append('\n'));
        new TreeMap<>(state.tasks).forEach((pid, group) -> out.append("task ").append(pid).append(" -> ").append(group.pid()).append('\n'));
        for (Process process : state.processes.values()) {
            out.append(process).append(" parent=").append(process.parentPid()).append(" threads=").append(process.threads())
                    .append(" adj=").append(process.oomScoreAdj()).append(" mismatch=").append(process.counterMismatch())
                    .append(" mmAlive=").append(process.mm().alive()).append(" mmCreated=").append(ids(process.mm().created().stream()))
                    .append("\n  counters ").append(process.counters())
                    .append("\n  fds ").append(process.fds().entrySet().stream()
                            .map(fd -> fd.getKey() + "=" + target(fd.getValue())).collect(Collectors.joining(",")))
                    .append("\n  mappings ").append(mappings(process.mm().mappings()))
                    .append("\n  charges ").append(charges(process)).append('\n');
        }
        new TreeMap<>(state.files).values().forEach(file -> out.append("file ").append(file.id()).append(" minor=").append(file.minor())
                .append(" handles=").append(new TreeMap<>(file.handles()).entrySet().stream().map(h -> h.getKey() + ":" + h.getValue().id())
                        .collect(Collectors.joining(",")))
                .append(" fdOwners=").append(file.fdOwners().entrySet().stream().sorted(Comparator.comparingInt(e -> e.getKey().pid()))
                        .map(e -> e.getKey().pid() + "x" + e.getValue()).collect(Collectors.joining(",")))
                .append('\n'));
        state.objects.stream().sorted(Comparator.comparingLong(GemObject::id)).forEach(object -> out.append(object).append(" region=").append(object.minor()).append('/')
                .append(object.regionName()).append(" size=").append(object.sizeBytes()).append(" resident=").append(object.residentBytes())
                .append(" creator=").append(creatorMm(object)).append(" handles=").append(object.handles())
                .append(" dmaBufs=").append(object.dmaBufs()).append(" mappings=").append(object.mappings())
                .append(" holders=").append(object.holders().stream().map(h -> h.pid() + "x" + object.referencesBy(h))
                        .collect(Collectors.joining(",")))
                .append('\n'));
        new TreeMap<>(state.dmaBufs).values().forEach(dmaBuf -> out.append("dma-buf ").append(dmaBuf.inode()).append(" object=")
                .append(dmaBuf.object().id()).append(" unreferenced=").append(dmaBuf.unreferenced()).append('\n'));
        out.append(ledger(state.ledger));
        return out.toString();
    }

    /** The ledger's figures: host totals, per policy and per region. */
    static String ledger(Ledger ledger) {
        StringBuilder out = new StringBuilder();
        out.append("objects=").append(ledger.objects()).append(" gem=").append(ledger.gemBytes()).append(" resident=")
                .append(ledger.residentBytes()).append(" orphaned=").append(ledger.orphanedBytes()).append('\n');
        for (Policy policy : Policy.all()) {
            out.append(policy).append(" charged=").append(ledger.charged(policy)).append(" unaccounted=")
                    .append(ledger.unaccounted(policy)).append(" overcharged=").append(ledger.overcharged(policy)).append('\n');
        }
        for (RegionUsage region : ledger.regions()) {
            out.append("region ").append(region.minor()).append('/').append(region.name()).append(" objects=").append(region.objects())
                    .append(" gem=").append(region.gemBytes()).append(" resident=").append(region.residentBytes()).append('\n');
        }
        return out.toString();
    }

    static String charges(Process process) {
        return Policy.all().stream().map(policy -> policy + "=" + process.charged(policy)).collect(Collectors.joining(" "));
    }

    /** The creator mm by what it means, not by identity, so two models built differently compare equal. */
    private static String creatorMm(GemObject object) {
        Mm mm = object.creatorMm();
        if (!mm.alive()) {
            // Whether the dead mm's process object is still around (an exited process's last mm) means nothing.
            return "dead mm of " + mm.ownerPid();
        }
        if (mm.owner() != null && mm.owner().mm() == mm) {
            return "current mm of " + mm.ownerPid();
        }
        return "live old mm of " + mm.ownerPid();
    }

    private static String target(FdTarget target) {
        return target instanceof DrmFile file ? "file:" + file.id() : "dma-buf:" + ((DmaBuf) target).inode();
    }

    private static String mappings(Map<GemObject, Integer> mappings) {
        return mappings.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getKey().id()))
                .map(e -> e.getKey().id() + "x" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String ids(java.util.stream.Stream<GemObject> objects) {
        return objects.map(GemObject::id).sorted().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
}
