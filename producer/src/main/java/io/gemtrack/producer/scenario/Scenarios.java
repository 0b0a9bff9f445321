package io.gemtrack.producer.scenario;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The scenarios the emulator knows: the workloads of {@link #ALL}, each one story of GPU memory, and {@value #MIXED}
 * (all of them side by side on every host); and {@link #DESKTOP}, a host told so that the policies disagree, which
 * the demo runs.
 */
public final class Scenarios {

    public static final String MIXED = "mixed";

    public static final List<Scenario> ALL = List.of(
            new Scenario("compositor", "compositor and clients sharing window buffers; CMA scan-out", CompositorWorkload::new),
            new Scenario("video", "video pipeline passing dma-bufs decoder -> GPU -> display", VideoPipelineWorkload::new),
            new Scenario("ml", "ML job with large sparse tensors and forked data loaders", MlJobWorkload::new),
            new Scenario("browser", "browser GPU process sharing tiles with renderers; crashes", BrowserWorkload::new),
            new Scenario("leak", "a process allocating and never freeing until it crashes", LeakWorkload::new),
            new Scenario("creator-exit", "a creator exits while an importer keeps its buffers alive", CreatorExitWorkload::new),
            new Scenario("fork-heavy", "forked workers inherit a DRM fd, exec, thread and exit", ForkHeavyWorkload::new));

    /** The demo's story: each policy picks its own OOM victim, and the host's page shows why. */
    public static final Scenario DESKTOP = new Scenario("desktop",
            "a desktop where the policies disagree: compositor, browser, leaker (the demo's)", DesktopWorkload::new);

    private Scenarios() {
    }

    /** Every name {@code --scenario} accepts, {@value #MIXED} and the desktop last. */
    public static List<String> names() {
        return Stream.concat(ALL.stream().map(Scenario::name), Stream.of(MIXED, DESKTOP.name())).toList();
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
            chosen.add(Stream.concat(ALL.stream(), Stream.of(DESKTOP)).filter(scenario -> scenario.name().equals(trimmed)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + trimmed + "'; choose from "
                            + String.join(", ", names()) + " (or several, comma-separated)")));
        }
        return new ArrayList<>(chosen);
    }
}
