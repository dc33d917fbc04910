package dev.flowtel.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class's constructors and methods a {@link dev.flowtel.localstack.KafkaCluster}
 * parameter: the JVM's shared three-node cluster (replication factor 3, min ISR 2), started on
 * first use, apart from the single broker of {@link WithKafka}, which stays as fast as it was. A
 * test that kills a node restarts it before it ends ({@code restart} waits until every partition
 * is back in sync), so the next test finds three nodes. Local processes only: there is no
 * Testcontainers variant.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealServersExtension.class)
public @interface WithKafkaCluster {}
