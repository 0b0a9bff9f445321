package io.gemtrack.oom;

import static io.gemtrack.model.HostScript.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.model.HostScript;
import io.gemtrack.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md §6: badness, victims, the best victim and what a kill frees. */
class OomAdvisorTest {

    /** 16 GiB RAM + 4 GiB swap: 5242880 pages, so each point of oom_score_adj is worth 5242 pages. */
    private static final long TOTAL_PAGES = 5_242_880;

    /**
     * Compositor 100 (48 MiB rss, 32 MiB anon) holds client 200's 8 MiB buffer; an ML job 300 (4 MiB anon)
     * alone holds its 64 MiB buffer; sshd 400 is big but protected.
     */
    private static HostScript desktop() {
        return HostScript.withGpu().apply(
                new ProcessFork(100, 1, "compositor", false),
                new ProcessFork(200, 1, "client", false),
                new ProcessFork(300, 1, "trainer", false),
                new ProcessFork(400, 1, "sshd", false),
                new OomScoreAdj(400, -1000),
                new DrmFileOpen(100, 3, 1, 0),
                new DrmFileOpen(200, 3, 2, 0),
                new DrmFileOpen(300, 3, 3, 0),
                new GemCreate(1, 0, "vram", 8 * MIB, 200, 2, 1),
                new GemPin(1, 8 * MIB),
                new DmaBufExport(1, 1000, 200, 4),
                new DmaBufFdInstall(100, 4, 1000, FdOrigin.UNIX_SOCKET),
                new DmaBufImport(1000, 1, 1),
                new FdClose(100, 4),
                new GemCreate(2, 0, "system", 64 * MIB, 300, 3, 1),
                new GemPin(2, 64 * MIB),
                new MmCounters(100, 16 * MIB, 32 * MIB, 0, 0, MIB, 0),
                new MmCounters(200, 8 * MIB, 24 * MIB, 0, 0, MIB, 2048),
                new MmCounters(300, 0, 4 * MIB, 0, 0, 0, 16384),
                new MmCounters(400, 0, 512 * MIB, 0, 0, 0, 0));
    }

    @Test
    void rssPolicyPicksTheProcessWithTheBiggestRssAndFreesLessThanTheBest() {
        OomRanking ranking = OomAdvisor.rank(desktop().model(), Policy.rss);

        assertThat(ranking.totalPages()).isEqualTo(TOTAL_PAGES);
        assertThat(ranking.candidates()).extracting(OomCandidate::pid).containsExactly(100, 200, 300);
        assertThat(ranking.candidates()).extracting(OomCandidate::points).containsExactly(12544L, 8448L, 1024L);
        assertThat(ranking.victim().pid()).isEqualTo(100);
        assertThat(ranking.victim().freedBytes()).isEqualTo(33 * MIB);
        assertThat(ranking.bestVictim().pid()).isEqualTo(300);
        assertThat(ranking.bestVictim().freedBytes()).isEqualTo(68 * MIB);
        assertThat(ranking.mismatch()).isTrue();
    }

    @Test
    void rfcPolicySeesTheGemBufferAndPicksTheBestVictim() {
        OomRanking ranking = OomAdvisor.rank(desktop().model(), Policy.rfc);

        assertThat(ranking.candidates()).extracting(OomCandidate::pid, OomCandidate::chargedBytes, OomCandidate::points)
                .containsExactly(tuple(300, 64 * MIB, 17408L),
                        tuple(100, 0L, 12544L),
                        tuple(200, 8 * MIB, 10496L));
        assertThat(ranking.victim().pid()).isEqualTo(300);
        assertThat(ranking.mismatch()).isFalse();
    }

    @Test
    void oomScoreAdjScalesWithTotalPagesAndMinus1000IsNeverACandidate() {
        HostScript host = desktop().apply(new OomScoreAdj(300, -1), new OomScoreAdj(200, 1));
        OomRanking ranking = OomAdvisor.rank(host.model(), Policy.rfc);

        assertThat(ranking.candidates()).extracting(OomCandidate::pid, OomCandidate::points)
                .containsExactly(tuple(200, 10496L + 5242),
                        tuple(100, 12544L),
                        tuple(300, 17408L - 5242));
        assertThat(ranking.candidates()).extracting(OomCandidate::pid).doesNotContain(400);
        assertThat(ranking.victim().pid()).isEqualTo(200);
        assertThat(ranking.mismatch()).isTrue();
    }

    @Test
    void tiesGoToTheLowestPid() {
        HostScript host = HostScript.withGpu().apply(
                new ProcessFork(20, 1, "b", false),
                new ProcessFork(10, 1, "a", false),
                new MmCounters(20, 0, MIB, 0, 0, 0, 0),
                new MmCounters(10, 0, MIB, 0, 0, 0, 0));
        OomRanking ranking = OomAdvisor.rank(host.model(), Policy.holder);

        assertThat(ranking.victim().pid()).isEqualTo(10);
        assertThat(ranking.bestVictim().pid()).isEqualTo(10);
    }

    @Test
    void noCandidateNoVictim() {
        HostScript host = HostScript.withGpu().apply(
                new ProcessFork(400, 1, "sshd", false),
                new OomScoreAdj(400, -1000));
        OomRanking ranking = OomAdvisor.rank(host.model(), Policy.freeable);

        assertThat(ranking.candidates()).isEmpty();
        assertThat(ranking.victim()).isNull();
        assertThat(ranking.bestVictim()).isNull();
        assertThat(ranking.mismatch()).isFalse();
    }

    @Test
    void whatIfKilledSeparatesObjectsFreedFromObjectsOthersKeepAlive() {
        HostScript host = desktop();

        WhatIfKilled client = OomAdvisor.whatIfKilled(host.model(), host.model().process(200));
        assertThat(client.freedBytes()).isEqualTo(25 * MIB);
        assertThat(client.freedObjects()).isEmpty();
        assertThat(client.stillHeld()).containsExactly(new WhatIfKilled.StillHeld(1, 8 * MIB, List.of(100)));

        WhatIfKilled trainer = OomAdvisor.whatIfKilled(host.model(), host.model().process(300));
        assertThat(trainer.freedBytes()).isEqualTo(68 * MIB);
        assertThat(trainer.freedObjects()).containsExactly(new WhatIfKilled.FreedObject(2, 64 * MIB));
        assertThat(trainer.stillHeld()).isEmpty();
    }
}
