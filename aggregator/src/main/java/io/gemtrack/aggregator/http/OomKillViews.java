package io.gemtrack.aggregator.http;

import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.OomPostMortem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The post-mortems of OOM kills as the API lists them. */
final class OomKillViews {

    /**
     * Newest first: by when the kill's record was written to Kafka, the one clock the hosts share (their events'
     * timestamps are each host's own); then by host and, within a host, by sequence.
     */
    static final Comparator<OomPostMortem> NEWEST_FIRST = Comparator.comparingLong(OomPostMortem::epochMillis).reversed()
            .thenComparing(OomPostMortem::host).thenComparing(Comparator.comparingLong(OomPostMortem::seq).reversed());

    private OomKillViews() {
    }

    /** Every host's kept post-mortems, newest first. */
    static List<OomPostMortem> fleet(FleetModel fleet) {
        List<OomPostMortem> kills = new ArrayList<>();
        for (HostModel host : fleet.hosts()) {
            kills.addAll(host.oomKills());
        }
        kills.sort(NEWEST_FIRST);
        return kills;
    }
}
