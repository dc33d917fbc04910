package dev.flowtel.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** Where an instance tells the others to reach its HTTP server ({@code application.server}). */
class AdvertisedHttpTest {

  @Test
  void anExplicitAddressIsTakenAsGiven() {
    assertThat(StreamsAppConfig.parse("--advertised-http", "10.1.2.3:8085").advertisedHttp(41_000))
        .isEqualTo(new HostInfo("10.1.2.3", 8085));
    assertThat(StreamsAppConfig.parse("--advertised-http", "[fd00::7]:8085").advertisedHttp(41_000))
        .isEqualTo(new HostInfo("fd00::7", 8085));
  }

  @Test
  void byDefaultTheBoundHostAndTheBoundPort() {
    assertThat(StreamsAppConfig.parse("--http-host", "127.0.0.1", "--http-port", "0").advertisedHttp(41_000))
        .isEqualTo(new HostInfo("127.0.0.1", 41_000));
  }

  @Test
  void aWildcardBindAdvertisesThisHostsCanonicalName() throws Exception {
    assertThat(StreamsAppConfig.parse().advertisedHttp(8085))
        .isEqualTo(new HostInfo(InetAddress.getLocalHost().getCanonicalHostName(), 8085));
  }

  @Test
  void anAddressWithoutAPortIsRejectedWithAnExample() {
    assertThatThrownBy(() -> StreamsAppConfig.parse("--advertised-http", "flowtel-streams-0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--advertised-http flowtel-streams-0: expected host:port (e.g. "
            + "flowtel-streams-0.flowtel-streams-headless:8085 or 10.1.2.3:8085)");
    assertThatThrownBy(() -> StreamsAppConfig.parse("--advertised-http", "host:99999"))
        .hasMessageStartingWith("--advertised-http host:99999: expected host:port");
  }
}
