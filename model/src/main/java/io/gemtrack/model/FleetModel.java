package io.gemtrack.model;

import io.gemtrack.events.Event;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The models of every host this aggregator owns, by host name. Not thread-safe; the caller serialises access. */
public final class FleetModel {

    /** Found by hash for every event; {@link #hostsByName} holds the same models in name order for the readers. */
    private final Map<String, HostModel> hosts = new HashMap<>();
    private final Map<String, HostModel> hostsByName = new TreeMap<>();

    public ApplyResult apply(Event event) {
        HostModel host = hosts.get(event.host());
        if (host == null) {
            host = new HostModel(event.host());
            put(host);
        }
        return host.apply(event);
    }

    /** The hosts in name order. */
    public Collection<HostModel> hosts() {
        return Collections.unmodifiableCollection(hostsByName.values());
    }

    public HostModel host(String name) {
        return hosts.get(name);
    }

    /** Takes over a host restored elsewhere (from a checkpoint), replacing any model of the same name. */
    public void put(HostModel host) {
        hosts.put(host.host(), host);
        hostsByName.put(host.host(), host);
    }

    /** Lets go of a host another aggregator now owns. */
    public void remove(String name) {
        hosts.remove(name);
        hostsByName.remove(name);
    }
}
