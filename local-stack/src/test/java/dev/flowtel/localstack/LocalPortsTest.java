package dev.flowtel.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Given servers configured one after the other in one JVM (a broker's controller and listener
 * ports, an Elasticsearch port), when each asks for a free port, then no two get the same one,
 * though the kernel offers a closed probe's port again.
 */
class LocalPortsTest {

  @Test
  void noPortIsHandedOutTwice() {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 3_000; i++) {
      int port = LocalPorts.free();
      assertThat(ports.add(port)).as("port %d handed out again after %d others", port, i).isTrue();
      assertThat(LocalPorts.inUse(port)).as("nothing listens on a port handed out").isFalse();
    }
  }
}
