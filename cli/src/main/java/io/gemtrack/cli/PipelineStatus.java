package io.gemtrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The status line of a command running an aggregator: what it has taken in, and whether the policies disagree, as
 * its JSON API tells it, {@code 41,802 events · 3 hosts · GEM 2.9 GiB · victims differ on 3 of 3 hosts}. Read over
 * HTTP like any other client of the API, so it shows what the web view shows.
 */
final class PipelineStatus implements Supplier<String> {

    /** Hosts whose OOM victims are compared, at most: one request each, every second. */
    static final int COMPARED_HOSTS = 20;

    private final AggregatorApi api;
    private final StopRequest stop;

    PipelineStatus(int httpPort, StopRequest stop) {
        this.api = new AggregatorApi("http://127.0.0.1:" + httpPort);
        this.stop = stop;
    }

    @Override
    public String get() {
        if (stop.isMade()) {
            return "stopping (a second Ctrl-C stops at once) ...";
        }
        JsonNode hosts = api.get("/api/hosts");
        long events = 0;
        long gemBytes = 0;
        for (JsonNode host : hosts) {
            events += host.path("lastSeq").asLong(-1) + 1;
            gemBytes += host.path("gemBytes").asLong();
        }
        StringBuilder line = new StringBuilder(String.format("%,d events · %d host%s · GEM %s", events, hosts.size(),
                hosts.size() == 1 ? "" : "s", bytes(gemBytes)));
        if (hosts.isEmpty()) {
            return line.append(" · waiting for events").toString();
        }
        int compared = Math.min(hosts.size(), COMPARED_HOSTS);
        int differing = 0;
        for (int i = 0; i < compared; i++) {
            differing += victimsDiffer(hosts.get(i).path("host").asText()) ? 1 : 0;
        }
        return line.append(String.format(" · victims differ on %d of %d%s host%s", differing, compared,
                compared < hosts.size() ? " first" : "", compared == 1 ? "" : "s")).toString();
    }

    private boolean victimsDiffer(String host) {
        Set<Integer> victims = new HashSet<>();
        api.get(AggregatorApi.host(host) + "/oom").path("policies").forEach(choice -> victims.add(choice.path("victim").path("pid").asInt()));
        return victims.size() > 1;
    }

    /** {@code bytes} in the largest binary unit that leaves at least 1, with one decimal. */
    static String bytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format("%.1f %s", value, units[unit]);
    }
}
