package dev.flowtel.testing;

import dev.flowtel.localstack.KafkaCluster;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link KafkaFixture}, {@link KafkaCluster} and {@link ElasticsearchFixture} parameters to
 * the JVM's shared servers, starting each on first use.
 */
public final class RealServersExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KafkaFixture.class || type == KafkaCluster.class || type == ElasticsearchFixture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    try {
      if (type == KafkaCluster.class) {
        return SharedServers.kafkaCluster();
      }
      return type == KafkaFixture.class ? SharedServers.kafka() : SharedServers.elasticsearch();
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("cannot start the " + type.getSimpleName() + " server: " + e.getMessage(), e);
    }
  }
}
