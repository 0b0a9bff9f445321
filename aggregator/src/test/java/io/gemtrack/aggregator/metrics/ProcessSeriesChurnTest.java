package io.gemtrack.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.Exposition;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Per-process series churn is bounded over time, not only per scrape: on a host whose largest processes are
 * replaced between every two scrapes, the pids that get series over a window stay within
 * {@code top × (window / reselection interval + 1)}, while every scrape still adds up to the host's totals.
 */
class ProcessSeriesChurnTest {

    private static final int TOP = 3;
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);
    /** Two minutes of scrapes. */
    private static final int SCRAPES = 24;
    private static final int NEW_PROCESSES_PER_SCRAPE = 4;

    @Test
    void pidsWithSeriesOverAWindowStayWithinTheBound() {
        Set<String> pids = pidsOverTheWindow(SCRAPE_INTERVAL);

        long windowMinutes = SCRAPE_INTERVAL.multipliedBy(SCRAPES - 1).toMinutes();
        long bound = TOP * (windowMinutes / TopChoice.RESELECTION_INTERVAL.toMinutes() + 1);
        assertThat(pids).hasSizeLessThanOrEqualTo((int) bound);
    }

    @Test
    void aTopChosenAtEveryScrapeWouldFollowEveryNewProcess() {
        // The same stream, with the clock jumping a whole interval between scrapes: the top is chosen every time.
        Set<String> pids = pidsOverTheWindow(TopChoice.RESELECTION_INTERVAL);

        assertThat(pids).hasSizeGreaterThan(TOP * SCRAPES / 2);
    }

    /** The pids with a series of their own under {@code resident}, over all scrapes of the churning host. */
    private static Set<String> pidsOverTheWindow(Duration clockStepPerScrape) {
        AtomicLong clock = new AtomicLong();
        ProcessMetrics metrics = new ProcessMetrics(TOP, clock::get);
        ChurningHost host = new ChurningHost(NEW_PROCESSES_PER_SCRAPE);
        Set<String> pids = new HashSet<>();
        for (int scrape = 0; scrape < SCRAPES; scrape++) {
            host.replaceTheLargest();
            Exposition exposition = Scrape.of(ProcessMetrics.ALL, samples -> metrics.report(host.model, samples));
            List<Exposition.Sample> charged = exposition.samples().stream()
                    .filter(sample -> sample.name().equals("gemtrack_process_charged_bytes")
                            && sample.labels().get("policy").equals(Policy.resident.name()))
                    .toList();
            assertThat(charged.stream().mapToDouble(Exposition.Sample::value).sum()).as("scrape %d adds up", scrape)
                    .isEqualTo((double) host.model.ledger().charged(Policy.resident));
            charged.stream().map(sample -> sample.labels().get("pid"))
                    .filter(pid -> !pid.equals(ProcessMetrics.OTHER))
                    .forEach(pids::add);
            clock.addAndGet(clockStepPerScrape.toNanos());
        }
        return pids;
    }
}
