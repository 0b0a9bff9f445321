package io.gemtrack.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.Exposition;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Per-cgroup series churn is bounded over time, not only per scrape: on a host whose largest units (named by pid, as
 * systemd names app scopes and templated services) are replaced between every two scrapes, the cgroups that get
 * series over a window stay within docs/METRICS.md's {@code top × (window in minutes + 1)} per figure, while every
 * scrape still adds up to the host's totals.
 */
class CgroupSeriesChurnTest {

    private static final int TOP = 3;
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);
    /** Two minutes of scrapes. */
    private static final int SCRAPES = 24;
    private static final int NEW_UNITS_PER_SCRAPE = 4;
    /** The figures of the cgroups holding processes: one per policy and the bytes a kill frees. */
    private static final int LEAF_FIGURES = Policy.all().size() + 1;
    /** The series of a limited cgroup: its max, current and dmem, and per policy its GPU charge and OOM mismatch. */
    private static final int SERIES_PER_LIMITED_CGROUP = 3 + 2 * Policy.all().size();

    @Test
    void cgroupsWithSeriesOverAWindowStayWithinTheBound() {
        Churn churn = overTheWindow(SCRAPE_INTERVAL);

        long bound = TOP * (SCRAPE_INTERVAL.multipliedBy(SCRAPES - 1).toMinutes() + 1);
        assertThat(churn.cgroupsOf("gemtrack_cgroup_charged_bytes")).hasSizeLessThanOrEqualTo((int) bound);
        assertThat(churn.cgroupsOf("gemtrack_cgroup_freed_by_kill_bytes")).hasSizeLessThanOrEqualTo((int) bound);
        assertThat(churn.cgroupsOf("gemtrack_memcg_max_bytes")).hasSizeLessThanOrEqualTo((int) bound);
        assertThat(churn.series()).hasSizeLessThanOrEqualTo((int) (LEAF_FIGURES * (bound + 1) + SERIES_PER_LIMITED_CGROUP * bound));
    }

    @Test
    void aTopChosenAtEveryScrapeWouldFollowEveryNewUnit() {
        // The same stream, with the clock jumping a whole interval between scrapes: the top is chosen every time.
        Churn churn = overTheWindow(TopChoice.RESELECTION_INTERVAL);

        assertThat(churn.cgroupsOf("gemtrack_cgroup_charged_bytes")).hasSizeGreaterThan(TOP * SCRAPES / 2);
        assertThat(churn.cgroupsOf("gemtrack_memcg_max_bytes")).hasSizeGreaterThan(TOP * SCRAPES / 2);
    }

    /** Every distinct series of all scrapes of the churning host, and per metric the cgroups with series of their own. */
    private record Churn(Set<Exposition.Sample> series, Map<String, Set<String>> cgroupsByMetric) {

        Set<String> cgroupsOf(String metric) {
            return cgroupsByMetric.getOrDefault(metric, Set.of());
        }
    }

    private static Churn overTheWindow(Duration clockStepPerScrape) {
        AtomicLong clock = new AtomicLong();
        CgroupMetrics metrics = new CgroupMetrics(TOP, clock::get);
        ChurningHost host = new ChurningHost(NEW_UNITS_PER_SCRAPE);
        Set<Exposition.Sample> series = new HashSet<>();
        Map<String, Set<String>> cgroupsByMetric = new HashMap<>();
        for (int scrape = 0; scrape < SCRAPES; scrape++) {
            host.replaceTheLargest();
            List<Exposition.Sample> samples = Scrape.of(CgroupMetrics.ALL, into -> metrics.report(host.model, into)).samples();
            for (Policy policy : Policy.all()) {
                double charged = samples.stream()
                        .filter(sample -> sample.name().equals("gemtrack_cgroup_charged_bytes")
                                && sample.labels().get("policy").equals(policy.name()))
                        .mapToDouble(Exposition.Sample::value).sum();
                assertThat(charged).as("scrape %d adds up under %s", scrape, policy)
                        .isEqualTo((double) host.model.ledger().charged(policy));
            }
            for (Exposition.Sample sample : samples) {
                series.add(new Exposition.Sample(sample.name(), sample.labels(), 0));
                String cgroup = sample.labels().get("cgroup");
                if (!cgroup.equals(CgroupMetrics.OTHER)) {
                    cgroupsByMetric.computeIfAbsent(sample.name(), name -> new HashSet<>()).add(cgroup);
                }
            }
            clock.addAndGet(clockStepPerScrape.toNanos());
        }
        return new Churn(series, cgroupsByMetric);
    }
}
