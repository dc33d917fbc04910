package dev.flowtel.core.source;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Opens the simulator as a flow source ({@code --source synthetic}). The simulator is test data,
 * so the node agent does not depend on it: a program that has it on its class path (the
 * {@code ./flowtel} command, the collector's tests) finds it here through {@link ServiceLoader}.
 */
public interface SyntheticSourceFactory {

  FlowSource open(SyntheticSettings settings);

  /** The simulator, when it is on the class path. */
  static Optional<SyntheticSourceFactory> installed() {
    return ServiceLoader.load(SyntheticSourceFactory.class).findFirst();
  }
}
