package io.gemtrack.aggregator.model;

import io.gemtrack.events.Event;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The models of every host this aggregator owns, by host name. Not thread-safe; the caller serialises access. */
public final class FleetModel {

    private final Map<String, HostModel> hosts = new TreeMap<>();

    public ApplyResult apply(Event event) {
        return hosts.computeIfAbsent(event.host(), HostModel::new).apply(event);
    }

    public Collection<HostModel> hosts() {
        return Collections.unmodifiableCollection(hosts.values());
    }

    public HostModel host(String name) {
        return hosts.get(name);
    }

    /** Takes over a host restored elsewhere (from a checkpoint), replacing any model of the same name. */
    public void put(HostModel host) {
        hosts.put(host.host(), host);
    }

    /** Lets go of a host another aggregator now owns. */
    public void remove(String name) {
        hosts.remove(name);
    }
}
