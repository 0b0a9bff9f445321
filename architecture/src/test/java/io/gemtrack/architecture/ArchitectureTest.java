package io.gemtrack.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The modules depend one way: schema ({@code events}) → fold ({@code model}, {@code policy}, {@code oom}) →
 * runtime ({@code kafka}, {@code aggregator}) → tools ({@code cli}, {@code benchmarks}), with the two sources
 * ({@code producer}, the emulated kernel, and {@code collector}, a real host) beside each other and used only by
 * the tools. Maven keeps a module from importing what it does not declare; these rules keep the declarations and
 * the packages honest. Read from every module's compiled classes, main and test, as the reactor left them.
 */
class ArchitectureTest {

    /** Every module with code; a module missing here would pass every rule unread. */
    private static final List<String> MODULES = List.of("events", "broker", "testkit", "kafka", "model", "producer",
            "aggregator", "collector", "cli", "benchmarks", "dashboards", "reliability");

    private static final String[] FOLD = {"io.gemtrack.model..", "io.gemtrack.policy..", "io.gemtrack.oom.."};
    private static final String[] IO_LIBRARIES = {"org.apache.kafka..", "io.prometheus..", "com.sun.net.httpserver..",
            "java.net..", "picocli..", "org.slf4j.."};

    private static JavaClasses main;
    private static JavaClasses all;

    @BeforeAll
    static void importClasses() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        try (Stream<Path> children = Files.list(root)) {
            assertThat(children.filter(dir -> Files.isDirectory(dir.resolve("src")))
                    .map(dir -> dir.getFileName().toString()))
                    .as("modules with sources; each must be listed in MODULES")
                    .containsExactlyInAnyOrderElementsOf(Stream.concat(MODULES.stream(), Stream.of("architecture")).toList());
        }
        List<Path> mainDirs = existing(root, "target/classes");
        List<Path> testDirs = existing(root, "target/test-classes");
        assertThat(mainDirs).as("compiled main classes").hasSizeGreaterThanOrEqualTo(MODULES.size() - 2);
        main = new ClassFileImporter().importPaths(mainDirs);
        all = new ClassFileImporter().importPaths(Stream.concat(mainDirs.stream(), testDirs.stream()).toList());
    }

    private static List<Path> existing(Path root, String classes) {
        return MODULES.stream().map(module -> root.resolve(module).resolve(classes)).filter(Files::isDirectory).toList();
    }

    @Test
    void modulesDependOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("io.gemtrack..")
                .layer("schema").definedBy("io.gemtrack.events..")
                .layer("fold").definedBy(FOLD)
                .layer("emulator").definedBy("io.gemtrack.producer..")
                .layer("collector").definedBy("io.gemtrack.collector..")
                .layer("kafka").definedBy("io.gemtrack.kafka..")
                .layer("runtime").definedBy("io.gemtrack.aggregator..")
                .layer("broker").definedBy("io.gemtrack.broker..")
                .layer("testkit").definedBy("io.gemtrack.testkit..")
                .layer("tools").definedBy("io.gemtrack.cli..", "io.gemtrack.benchmarks..")
                .whereLayer("tools").mayNotBeAccessedByAnyLayer()
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("tools")
                .whereLayer("emulator").mayOnlyBeAccessedByLayers("tools")
                .whereLayer("collector").mayOnlyBeAccessedByLayers("tools")
                .whereLayer("kafka").mayOnlyBeAccessedByLayers("runtime", "tools")
                .whereLayer("fold").mayOnlyBeAccessedByLayers("runtime", "tools")
                .whereLayer("broker").mayOnlyBeAccessedByLayers("testkit", "tools")
                .whereLayer("testkit").mayOnlyBeAccessedByLayers("tools")
                .check(main);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.gemtrack.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void schemaAndFoldDoNoInputOrOutput() {
        noClasses().that().resideInAnyPackage("io.gemtrack.events..").or().resideInAnyPackage(FOLD)
                .should().dependOnClassesThat().resideInAnyPackage(IO_LIBRARIES)
                .because("the schema and the fold are pure: Kafka, Prometheus, HTTP and the command line are at the edges")
                .check(main);
    }

    @Test
    void foldObjectsChangeOnlyTheirOwnFields() {
        noClasses().that().resideInAnyPackage(FOLD)
                .should().setFieldWhere(describe("a field of another class",
                        access -> !access.getTarget().getOwner().equals(access.getOriginOwner())))
                .because("an object's counters change only through its own methods, so its bookkeeping is in one place")
                .check(main);
    }

    @Test
    void onlyTheDifferentialTestsReachIntoTheEmulator() {
        noClasses().that().resideOutsideOfPackages("io.gemtrack.producer..", "..differential..")
                .should().dependOnClassesThat(resideInAnyPackage("io.gemtrack.producer.kernel..", "io.gemtrack.producer.truth..")
                        .and(not(nameStartingWith("io.gemtrack.producer.truth.TruthJson"))))
                .because("everything else drives the emulator through its simulations and scenarios, and writes its"
                        + " truth through TruthJson; its kernel and truth are for comparing the model against")
                .check(all);
    }

    @Test
    void theRuntimeKeepsTheFleetModelOnlyBehindItsLock() {
        noFields().that().areDeclaredInClassesThat().resideInAnyPackage("io.gemtrack.aggregator..")
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.gemtrack.aggregator.kafka.SharedFleet")
                .should().haveRawType("io.gemtrack.model.FleetModel")
                .because("the applier and every reader share the fleet through SharedFleet's fair lock; a class that kept"
                        + " the model itself could read it without the lock, or lock it with a monitor, which the applier"
                        + " takes back before a woken reader runs")
                .check(main);
    }

    @Test
    void testFixturesAreNotInMainCode() {
        noClasses().that().resideOutsideOfPackages("io.gemtrack.testkit..", "io.gemtrack.benchmarks..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.assertj..", "net.jqwik..")
                .check(main);
    }
}
