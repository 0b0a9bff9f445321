package io.gemtrack.testkit;

import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.testkit.KafkaBackend.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives a test a real Kafka broker as a {@link TestKafka} (or, for tests that restart or kill it, the
 * {@link KafkaBroker} itself). One broker serves every test of the JVM and is stopped at its end.
 *
 * <p>The system property {@value #BACKEND_PROPERTY} chooses the broker: {@code embedded} (the default,
 * Apache Kafka's server jars in a child JVM) or {@code testcontainers} (the {@code apache/kafka} image;
 * tests are skipped, with the reason, where no Docker engine answers).
 */
public final class KafkaExtension implements ParameterResolver, ExecutionCondition, TestWatcher {

    public static final String BACKEND_PROPERTY = "gemtrack.kafka.backend";
    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    private static final int BROKER_LOG_LINES_ON_FAILURE = 80;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    /** Skips, with the reason, tests that want Testcontainers where no Docker engine answers. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestClass().isEmpty() || backend(context) == Backend.EMBEDDED) {
            return ConditionEvaluationResult.enabled("embedded broker");
        }
        boolean controlsBroker = context.getTestMethod()
                .map(method -> List.of(method.getParameterTypes()).contains(KafkaBroker.class)).orElse(false);
        if (controlsBroker) {
            return ConditionEvaluationResult.disabled(
                    "skipped: this test restarts or kills the broker, which it can do only with the embedded broker");
        }
        return DockerClientFactory.instance().isDockerAvailable()
                ? ConditionEvaluationResult.enabled("Docker engine available")
                : ConditionEvaluationResult.disabled("skipped: the Testcontainers backend needs a Docker engine and none answers here");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestKafka.class || type == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == KafkaBroker.class) {
            return embedded(context).broker();
        }
        return backend(context) == Backend.EMBEDDED ? embedded(context) : container(context);
    }

    /**
     * A failure that involves the broker is often explained only by the broker's own log, which is deleted with
     * the broker at the end of the run: show its tail next to the failure.
     */
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        EmbeddedKafka kafka = context.getRoot().getStore(NAMESPACE).get(EmbeddedKafka.class, EmbeddedKafka.class);
        if (kafka == null) {
            return;
        }
        try {
            List<String> log = Files.readAllLines(kafka.broker().log());
            System.err.println("--- last lines of the broker log " + kafka.broker().log() + " after "
                    + context.getDisplayName() + " failed ---");
            log.subList(Math.max(0, log.size() - BROKER_LOG_LINES_ON_FAILURE), log.size()).forEach(System.err::println);
        } catch (IOException e) {
            System.err.println("cannot read the broker log " + kafka.broker().log() + ": " + e);
        }
    }

    static Backend backend(ExtensionContext context) {
        KafkaBackend pinned = context.getTestClass().map(c -> c.getAnnotation(KafkaBackend.class)).orElse(null);
        if (pinned != null) {
            return pinned.value();
        }
        String backend = System.getProperty(BACKEND_PROPERTY, "embedded");
        try {
            return Backend.valueOf(backend.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + BACKEND_PROPERTY + " must be 'embedded' or "
                    + "'testcontainers', was '" + backend + "'", e);
        }
    }

    private static EmbeddedKafka embedded(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(EmbeddedKafka.class, key -> new EmbeddedKafka(KafkaBroker.startTemporary()),
                        EmbeddedKafka.class);
    }

    private static ContainerKafka container(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(ContainerKafka.class, key -> ContainerKafka.start(), ContainerKafka.class);
    }

    record EmbeddedKafka(KafkaBroker broker) implements TestKafka, ExtensionContext.Store.CloseableResource {
        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public String description() {
            return "embedded KRaft broker at " + broker.bootstrapServers();
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    record ContainerKafka(KafkaContainer container) implements TestKafka, ExtensionContext.Store.CloseableResource {
        static ContainerKafka start() {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            return new ContainerKafka(container);
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public String description() {
            return "Testcontainers " + KAFKA_IMAGE + " at " + container.getBootstrapServers();
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
