package io.gemtrack.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.MalformedEventException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records written before a field was added still decode, with its default; the field is strict where it is present. */
class AddedFieldsTest {

    private static final String ENVELOPE = "\"schema\":2,\"type\":\"%s\",\"host\":\"h\",\"bootId\":\"b\",\"seq\":1,\"ts\":2";
    private static final String FORK = "{" + ENVELOPE.formatted("ProcessFork") + ",\"pid\":5,\"parentPid\":1,\"comm\":\"bash\","
            + "\"thread\":false}";
    private static final String SNAPSHOT = "{" + ENVELOPE.formatted("HostSnapshot") + ",\"memory\":{\"memTotalBytes\":4096,"
            + "\"swapTotalBytes\":0,\"gpuActiveBytes\":0,\"gpuReclaimBytes\":0},\"devices\":[],\"processes\":[{\"pid\":5,"
            + "\"parentPid\":1,\"comm\":\"x\",\"threads\":[],\"oomScoreAdj\":0,\"counters\":{\"pid\":5,\"fileBytes\":0,"
            + "\"anonBytes\":0,\"shmemBytes\":0,\"swapBytes\":0,\"pageTableBytes\":0,\"driverPages\":0},\"fds\":[],"
            + "\"mappings\":[]}],\"files\":[],\"objects\":[],\"dmaBufs\":[],\"deviceMemory\":[]}";

    private final EventCodec codec = new EventCodec();

    @Test
    void aForkWithoutACgroupStartsInItsParentsAndIsWrittenWithoutOne() throws MalformedEventException {
        Event fork = decode(FORK);

        assertThat(((ProcessFork) fork.body()).cgroup()).isEqualTo(EventBody.PARENT_CGROUP);
        assertThat(codec.encodeToString(fork)).isEqualTo(FORK);
    }

    @Test
    void aForkIntoACgroupReadsBackTheSame() throws MalformedEventException {
        String placed = FORK.replace("}", ",\"cgroup\":\"/system.slice/docker-1.scope\"}");
        Event fork = decode(placed);

        assertThat(((ProcessFork) fork.body()).cgroup()).isEqualTo("/system.slice/docker-1.scope");
        assertThat(codec.encodeToString(fork)).isEqualTo(placed);
    }

    @Test
    void aSnapshotWithoutCgroupsHasEveryProcessAtTheRootAndNoSamples() throws MalformedEventException {
        HostSnapshot snapshot = (HostSnapshot) decode(SNAPSHOT).body();

        assertThat(snapshot.processes()).extracting(EventBody.SnapshotProcess::cgroup).containsExactly(EventBody.ROOT_CGROUP);
        assertThat(snapshot.cgroups()).isEmpty();
    }

    @Test
    void anAddedFieldThatIsNullIsRejected() {
        assertThat(error(FORK.replace("}", ",\"cgroup\":null}"))).satisfies(error -> {
            assertThat(error.kind()).isEqualTo(Kind.MISSING_FIELD);
            assertThat(error.field()).isEqualTo("cgroup");
            assertThat(error.getMessage()).contains("must be left out rather than null");
        });
    }

    /** The fast path counts fields to find duplicates: a left-out field must not hide one. */
    @Test
    void aDuplicateInARecordWithoutTheAddedFieldIsStillFound() {
        assertThat(error(FORK.replace("}", ",\"comm\":\"zsh\"}")).kind()).isEqualTo(Kind.NOT_JSON);
        assertThat(error(FORK.replace("}", ",\"cgroup\":\"\",\"comm\":\"zsh\"}")).kind()).isEqualTo(Kind.NOT_JSON);
    }

    @Test
    void aThreadCannotBePlacedInACgroupOfItsOwn() {
        MalformedEventException error = error(FORK.replace("\"thread\":false", "\"thread\":true,\"cgroup\":\"/a\""));

        assertThat(error.kind()).isEqualTo(Kind.INVALID_VALUE);
        assertThat(error.field()).isEqualTo("cgroup");
    }

    @Test
    void everyAddedFieldHasADefault() {
        for (Class<? extends EventBody> type : EventBody.TYPES) {
            List.of(type.getRecordComponents()).forEach(component -> {
                String key = AddedFields.key(component);
                if (key != null) {
                    assertThat(AddedFields.defaultOf(key)).as(component.toString()).isNotNull();
                }
            });
        }
        assertThat(AddedFields.key(ProcessFork.class.getRecordComponents()[4])).isEqualTo(AddedFields.FORK_CGROUP);
    }

    private Event decode(String json) throws MalformedEventException {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private MalformedEventException error(String json) {
        return catchThrowableOfType(MalformedEventException.class, () -> decode(json));
    }
}
