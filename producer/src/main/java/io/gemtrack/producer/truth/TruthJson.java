package io.gemtrack.producer.truth;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes ground truth as JSON: the run that produced it and every host's {@link HostTruth}. */
public final class TruthJson {

    private static final ObjectWriter WRITER = JsonMapper.builder().build().writerWithDefaultPrettyPrinter();

    /** What {@code --truth} writes: enough to repeat the run, and the truth after its last event. */
    public record Dump(long seed, List<String> scenarios, boolean forkFlaw, List<HostTruth> hosts) {

        public Dump {
            scenarios = List.copyOf(scenarios);
            hosts = List.copyOf(hosts);
        }
    }

    private TruthJson() {
    }

    public static void write(Path file, Dump dump) throws IOException {
        WRITER.writeValue(file.toFile(), dump);
    }

    public static String toJson(Object truth) throws IOException {
        return WRITER.writeValueAsString(truth);
    }
}
