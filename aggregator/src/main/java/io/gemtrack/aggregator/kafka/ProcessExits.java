package io.gemtrack.aggregator.kafka;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.policy.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes that exited lately on each host, and what their exit freed: so that a page opened on a process
 * says it exited, and when, rather than only that its pid is unknown. The model forgets a process when it exits;
 * this keeps the last {@value #PER_HOST} exits of every host's current boot, a few hundred bytes each. Guarded
 * by the fleet's lock: recorded by the consumer around applying an exit, read by the API.
 */
public final class ProcessExits {

    /** How many exits are kept per host. */
    public static final int PER_HOST = 256;

    /**
     * One exit as the aggregator saw it, with the figures of the process just before.
     *
     * @param exitedAtEpochMillis when the aggregator received the exit
     * @param charges             what each policy charged the process
     * @param gemFreedBytes       the resident bytes of the buffers only it held, which die with it (its {@code freeable}
     *                            charge); the buffers it shared live on in their other holders
     * @param freedBytes          all its exit returns: {@code gemFreedBytes} with its anon, swap and page-table bytes
     */
    public record Exit(int pid, String comm, int parentPid, long exitedAtEpochMillis, Map<Policy, Long> charges,
                       long gemFreedBytes, long freedBytes) {
    }

    /** What was known of an exiting process before its exit was applied. */
    public record Pending(HostModel host, String bootId, Exit exit) {
    }

    private record HostExits(String bootId, LinkedHashMap<Integer, Exit> byPid) {
    }

    private final Map<String, HostExits> byHost = new HashMap<>();

    /**
     * What to remember of the process {@code event} ends, if it is the exit of a process the fleet knows; else empty.
     *
     * @param epochMillis when the aggregator received it
     */
    public Optional<Pending> before(FleetModel fleet, Event event, long epochMillis) {
        if (!(event.body() instanceof ProcessExit exit)) {
            return Optional.empty();
        }
        HostModel host = fleet.host(event.host());
        Process process = host == null ? null : host.process(exit.pid());
        if (process == null || process.pid() != exit.pid()) {
            // A thread leaving its group frees nothing.
            return Optional.empty();
        }
        Map<Policy, Long> charges = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> charges.put(policy, process.charged(policy)));
        return Optional.of(new Pending(host, host.bootId(), new Exit(process.pid(), process.comm(), process.parentPid(),
                epochMillis, charges, process.charged(Policy.freeable), OomAdvisor.freedByKill(process))));
    }

    /** Records the exit {@code pending} describes, if the model applied it. */
    public void after(Pending pending, ApplyResult result) {
        if (!(result instanceof ApplyResult.Applied)) {
            return;
        }
        String host = pending.host().host();
        HostExits exits = byHost.get(host);
        if (exits == null || !exits.bootId().equals(pending.bootId())) {
            exits = new HostExits(pending.bootId(), new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Exit> eldest) {
                    return size() > PER_HOST;
                }
            });
            byHost.put(host, exits);
        }
        exits.byPid().put(pending.exit().pid(), pending.exit());
    }

    /** The exit of {@code pid} in the host's current boot, if it is among the last ones. */
    public Optional<Exit> of(HostModel host, int pid) {
        HostExits exits = byHost.get(host.host());
        if (exits == null || !exits.bootId().equals(host.bootId())) {
            return Optional.empty();
        }
        return Optional.ofNullable(exits.byPid().get(pid));
    }

    /** The host's last exits, the last first. */
    public List<Exit> all(HostModel host) {
        HostExits exits = byHost.get(host.host());
        if (exits == null || !exits.bootId().equals(host.bootId())) {
            return List.of();
        }
        List<Exit> all = new ArrayList<>(exits.byPid().values());
        Collections.reverse(all);
        return all;
    }

    /** Forgets a host the aggregator dropped or handed over. */
    public void forget(String host) {
        byHost.remove(host);
    }
}
