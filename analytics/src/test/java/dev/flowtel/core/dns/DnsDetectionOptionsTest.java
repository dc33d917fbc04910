package dev.flowtel.core.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Given the DNS detector options on a command line, then the detectors get exactly these thresholds. */
class DnsDetectionOptionsTest {

  @Command(name = "program")
  static final class Program {
    @Mixin
    DnsDetectionOptions dns = new DnsDetectionOptions();
  }

  private static DnsDetectionConfig parse(String... args) {
    Program program = new Program();
    new CommandLine(program).parseArgs(args);
    return program.dns.dnsDetectionConfig();
  }

  @Test
  void noOptionsAreTheDocumentedDefaults() {
    assertThat(parse()).isEqualTo(DnsDetectionConfig.defaults());
  }

  @Test
  void everyOptionReachesItsThreshold() {
    DnsDetectionConfig config = parse("--dns-detection-window", "5m", "--cluster-domain", "Corp.Example",
        "--nxdomain-min-answers", "40", "--nxdomain-min-names", "15", "--nxdomain-spike-factor", "3.5",
        "--nxdomain-ewma-alpha", "0.2", "--tunnel-min-names", "50", "--tunnel-min-letters", "30",
        "--tunnel-min-entropy", "4.0", "--tunnel-ignored-domains", "telemetry.vendor.io,compute.internal");
    assertThat(config).isEqualTo(new DnsDetectionConfig(Duration.ofMinutes(5), "corp.example", 40, 15, 3.5, 0.2, 50, 30,
        4.0, List.of("telemetry.vendor.io", "compute.internal")));
  }

  @Test
  void anEmptyIgnoredDomainsListIgnoresNone() {
    assertThat(parse("--tunnel-ignored-domains=").tunnelIgnoredDomains()).isEmpty();
  }

  @Test
  void aValueOutOfRangeNamesItsOption() {
    assertThatThrownBy(() -> parse("--nxdomain-min-answers", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nxdomain-min-answers").hasMessageContaining("0");
    assertThatThrownBy(() -> parse("--nxdomain-ewma-alpha", "1.5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nxdomain-ewma-alpha");
    assertThatThrownBy(() -> parse("--tunnel-min-names", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tunnel-min-names");
    assertThatThrownBy(() -> parse("--dns-detection-window", "0s"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--dns-detection-window");
    assertThatThrownBy(() -> parse("--cluster-domain", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cluster-domain");
  }

  @Test
  void anUnparsableValueNamesItsOption() {
    assertThatThrownBy(() -> parse("--tunnel-min-letters", "many"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--tunnel-min-letters");
  }
}
