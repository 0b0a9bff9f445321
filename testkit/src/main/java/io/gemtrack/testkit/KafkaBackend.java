package io.gemtrack.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Pins a test class to one broker backend regardless of the {@value KafkaExtension#BACKEND_PROPERTY}
 * property, so a subclass can run an existing integration test's checks against Testcontainers too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface KafkaBackend {

    Backend value();

    enum Backend { EMBEDDED, TESTCONTAINERS }
}
