package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model's own hash table against {@link HashMap}: removal moves objects back along their probe runs, and
 * the table grows and shrinks, which are the places an open-addressing table goes wrong. Ids come from a small
 * range, so probe runs are long and removals hit often.
 */
class ObjectTableTest {

    static Stream<Long> seeds() {
        return IntStream.rangeClosed(1, 10).mapToObj(seed -> (long) seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomInsertsAndRemovesAgreeWithAHashMap(long seed) {
        Random random = new Random(seed);
        ObjectTable table = new ObjectTable();
        Map<Long, GemObject> expected = new HashMap<>();
        // Phases of mostly inserts then mostly removes, so the table grows past several sizes and shrinks back.
        for (int phase = 0; phase < 6; phase++) {
            int insertPercent = phase % 2 == 0 ? 70 : 30;
            for (int step = 0; step < 5_000; step++) {
                long id = random.nextInt(3_000) - 100;
                if (random.nextInt(100) < insertPercent) {
                    if (!expected.containsKey(id)) {
                        GemObject object = object(id);
                        table.insert(object);
                        expected.put(id, object);
                    }
                } else {
                    assertThat(table.remove(id)).as("remove %d", id).isSameAs(expected.remove(id));
                }
                long probe = random.nextInt(3_000) - 100;
                assertThat(table.get(probe)).as("get %d", probe).isSameAs(expected.get(probe));
                assertThat(table.containsId(probe)).isEqualTo(expected.containsKey(probe));
            }
            assertSameContents(table, expected);
        }
    }

    @Test
    void emptiedTableFindsNothingAndIteratesNothing() {
        ObjectTable table = new ObjectTable();
        for (long id = 1; id <= 10_000; id++) {
            table.insert(object(id));
        }
        for (long id = 10_000; id >= 1; id--) {
            assertThat(table.remove(id)).isNotNull();
        }
        assertThat(table).isEmpty();
        assertThat(table.get(1)).isNull();
        assertThat(table.remove(1)).isNull();
    }

    private static void assertSameContents(ObjectTable table, Map<Long, GemObject> expected) {
        assertThat(table).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected.values());
        expected.forEach((id, object) -> assertThat(table.get(id)).as("get %d", id).isSameAs(object));
    }

    private static GemObject object(long id) {
        return new GemObject(id, null, 0, null, 0);
    }
}
