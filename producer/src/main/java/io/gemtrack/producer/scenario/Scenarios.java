package io.gemtrack.producer.scenario;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The scenarios the emulator knows, and {@value #MIXED}: all of them side by side on every host. */
public final class Scenarios {

    public static final String MIXED = "mixed";

    public static final List<Scenario> ALL = List.of(
            new Scenario("compositor", "a compositor and clients sharing window buffers as dma-bufs; CMA scan-out", CompositorWorkload::new),
            new Scenario("video", "a video pipeline passing dma-bufs decoder -> GPU -> display", VideoPipelineWorkload::new),
            new Scenario("ml", "an ML job with large sparse tensors and forked data-loader workers", MlJobWorkload::new),
            new Scenario("browser", "a browser GPU process sharing tiles with many renderers; GPU process crashes", BrowserWorkload::new),
            new Scenario("leak", "a process that allocates and never frees until it crashes", LeakWorkload::new),
            new Scenario("creator-exit", "a creator that exits while an importer keeps its buffers alive", CreatorExitWorkload::new),
            new Scenario("fork-heavy", "a server whose forked workers inherit its DRM fd, exec, thread and exit", ForkHeavyWorkload::new));

    private Scenarios() {
    }

    /** Every name {@code --scenario} accepts, {@value #MIXED} last. */
    public static List<String> names() {
        return Stream.concat(ALL.stream().map(Scenario::name), Stream.of(MIXED)).toList();
    }

    /**
     * The scenarios of a comma-separated list of names, in order, each once; {@value #MIXED} stands for all.
     *
     * @throws IllegalArgumentException naming the unknown name and the known ones
     */
    public static List<Scenario> parse(String names) {
        Set<Scenario> chosen = new LinkedHashSet<>();
        for (String name : names.split(",", -1)) {
            String trimmed = name.trim();
            if (trimmed.equals(MIXED)) {
                chosen.addAll(ALL);
                continue;
            }
            chosen.add(ALL.stream().filter(scenario -> scenario.name().equals(trimmed)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + trimmed + "'; choose from "
                            + String.join(", ", names()) + " (or several, comma-separated)")));
        }
        return new ArrayList<>(chosen);
    }

    /** One line per scenario, for {@code --help}. */
    public static String describe() {
        return Stream.concat(ALL.stream().map(scenario -> String.format("  %-13s %s", scenario.name(), scenario.description())),
                Stream.of(String.format("  %-13s %s", MIXED, "all of the above on every host (the default)")))
                .collect(Collectors.joining("%n"));
    }
}
