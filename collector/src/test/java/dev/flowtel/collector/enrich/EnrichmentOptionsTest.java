package dev.flowtel.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.Cidr;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The enrichment options as the collector's command line carries them. */
class EnrichmentOptionsTest {

  @Command
  static final class Program {
    @Mixin
    EnrichmentOptions enrichment;
  }

  @Test
  void theDefaultsAreTheDocumentedSettings() {
    Program program = new Program();
    new CommandLine(program).parseArgs();
    assertThat(program.enrichment.enabled()).isTrue();
    assertThat(program.enrichment.toSettings()).isEqualTo(EnrichmentSettings.defaults());
  }

  @Test
  void everyOptionReachesTheSettings() {
    Program program = new Program();
    new CommandLine(program).parseArgs("--no-enrich", "--pod-cidrs", "10.42.0.0/16,fd42::/56", "--service-cidrs",
        "10.43.0.0/16", "--node-cidrs", "172.18.0.0/16", "--cluster-cidrs", "100.64.0.0/10", "--private-cidrs", "10.0.0.0/8",
        "--ip-history-retention", "90s", "--ip-history-max", "3", "--informer-resync", "30m", "--informer-sync-timeout", "2m");
    EnrichmentSettings s = program.enrichment.toSettings();
    assertThat(program.enrichment.enabled()).isFalse();
    assertThat(s.podCidrs()).map(Cidr::toString).containsExactly("10.42.0.0/16", "fd42::/56");
    assertThat(s.serviceCidrs()).map(Cidr::toString).containsExactly("10.43.0.0/16");
    assertThat(s.nodeCidrs()).map(Cidr::toString).containsExactly("172.18.0.0/16");
    assertThat(s.clusterCidrs()).map(Cidr::toString).containsExactly("100.64.0.0/10");
    assertThat(s.privateCidrs()).map(Cidr::toString).containsExactly("10.0.0.0/8");
    assertThat(s.historyRetention()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.maxTenanciesPerAddress()).isEqualTo(3);
    assertThat(s.resyncPeriod()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.syncTimeout()).isEqualTo(Duration.ofMinutes(2));
  }
}
