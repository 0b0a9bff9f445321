package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoded checkpoint is a canonical dump of a host model: the same state gives the same bytes however it was
 * reached. Tests that compare an aggregator's model with a from-scratch fold (the API's
 * {@code /api/hosts/HOST/checkpoint}) rely on it. A checkpoint describes the whole model, since
 * {@link HostModel#restore} rebuilds the model from it alone, so equal bytes also mean equal models.
 */
class CheckpointCanonicalTest {

    private static final CheckpointCodec CODEC = new CheckpointCodec();

    /**
     * The state is rebuilt from a checkpoint whose every list (processes, threads, fds, mappings, files, handles,
     * objects, dma-bufs, cgroup samples, mismatched pids) is shuffled: a model that got the same facts in another order, as a host's
     * snapshot may send them. Its checkpoint must be the fold's, byte for byte.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void theSameStateReachedInAnotherOrderEncodesToTheSameBytes(long seed) throws Exception {
        HostSimulation simulation = new HostSimulation("canonical-host", seed, Scenarios.parse(Scenarios.MIXED), true, 400);
        HostModel fold = new HostModel(simulation.host());
        Random random = new Random(seed);
        int reordered = 0;
        for (int step = 1; step <= 1_500; step++) {
            simulation.step().forEach(fold::apply);
            if (step % 100 != 0) {
                continue;
            }
            HostCheckpoint checkpoint = fold.checkpoint();
            String encoded = text(checkpoint);
            HostCheckpoint shuffled = shuffled(checkpoint, random);
            reordered += shuffled.equals(checkpoint) ? 0 : 1;

            assertThat(text(HostModel.restore(shuffled).checkpoint())).as("seed %d, step %d, reordered", seed, step)
                    .isEqualTo(encoded);
            assertThat(text(HostModel.restore(CODEC.decode(encoded.getBytes(StandardCharsets.UTF_8))).checkpoint()))
                    .as("seed %d, step %d, decoded", seed, step).isEqualTo(encoded);
        }
        assertThat(reordered).as("checkpoints whose shuffle changed an order, so the comparison meant something").isPositive();
    }

    private static String text(HostCheckpoint checkpoint) {
        return new String(CODEC.encode(checkpoint), StandardCharsets.UTF_8);
    }

    private static HostCheckpoint shuffled(HostCheckpoint checkpoint, Random random) {
        HostSnapshot state = checkpoint.state();
        List<SnapshotProcess> processes = shuffled(state.processes().stream().map(process -> new SnapshotProcess(process.pid(),
                process.parentPid(), process.comm(), shuffled(process.threads(), random), process.oomScoreAdj(), process.counters(),
                shuffled(process.fds(), random), shuffled(process.mappings(), random), process.cgroup())).toList(), random);
        List<SnapshotFile> files = shuffled(state.files().stream()
                .map(file -> new SnapshotFile(file.file(), file.minor(), shuffled(file.handles(), random))).toList(), random);
        HostSnapshot reordered = new HostSnapshot(state.memory(), shuffled(state.devices(), random), processes, files,
                shuffled(state.objects(), random), shuffled(state.dmaBufs(), random), shuffled(state.deviceMemory(), random),
                shuffled(state.cgroups(), random));
        return new HostCheckpoint(checkpoint.host(), checkpoint.bootId(), checkpoint.nextSeq(), checkpoint.synchronised(),
                checkpoint.sequenceGaps(), checkpoint.skippedEvents(), checkpoint.counterMismatches(), checkpoint.memoryKnown(),
                shuffled(checkpoint.counterMismatchPids(), random), reordered, checkpoint.oomKills(),
                checkpoint.oomKillTotals());
    }

    private static <T> List<T> shuffled(List<T> list, Random random) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, random);
        return copy;
    }
}
