package io.gemtrack.producer.scenario;

import java.util.function.Supplier;

/**
 * A named, documented story the emulated kernel can tell on a host; several compose by running their
 * workloads side by side (see {@link Scenarios}).
 *
 * @param name        as given to {@code --scenario}
 * @param description one line for {@code --help}
 * @param workload    makes a fresh workload for one host
 */
public record Scenario(String name, String description, Supplier<Workload> workload) {
}
