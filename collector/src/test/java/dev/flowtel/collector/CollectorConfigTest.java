package dev.flowtel.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.collector.capture.CaptureSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CollectorConfigTest {

  @Test
  void helpListsEveryOptionWithItsDefault() {
    String help = new CommandLine(new CollectorConfig()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    CommandLine.Model.CommandSpec spec = new CommandLine(new CollectorConfig()).getCommandSpec();
    for (CommandLine.Model.OptionSpec option : spec.options()) {
      String shown = option.negatable() ? "--[no-]" + option.longestName().substring(2) : option.longestName();
      assertThat(help).contains(shown);
      assertThat(option.description()).as(option.longestName()).isNotEmpty();
    }
    assertThat(help).contains("--source=ebpf|synthetic|hubble:<file|->", "Default: ebpf", "Default: flowtel.flows.v1",
        "Default: /var/lib/flowtel/spool", "Default: 1g", "Default: 9464");
  }

  @Test
  void theDefaultsMakeTheDocumentedSettings() {
    CollectorConfig config = CollectorConfig.parse("--node-name", "node-a");
    assertThat(config.sourceSpec()).isEqualTo(new CollectorConfig.SourceSpec.Ebpf());
    assertThat(config.spoolSettings().maxBytes()).isEqualTo(1L << 30);
    assertThat(config.spoolSettings().segmentBytes()).isEqualTo(64L << 20);
    assertThat(config.spoolSettings().fsyncInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.publisherSettings().flowsTopic()).isEqualTo("flowtel.flows.v1");
    assertThat(config.publisherSettings().handoffTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.producerConfig()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
        .containsEntry("bootstrap.servers", "127.0.0.1:9092");
    CaptureSettings defaults = CaptureSettings.defaults("node-a");
    assertThat(config.captureSettings()).usingRecursiveComparison().ignoringFields("podInterfaces").isEqualTo(defaults);
    assertThat(config.captureSettings().podInterfaces().pattern()).isEqualTo(defaults.podInterfaces().pattern());
  }

  @Test
  void optionsMapOntoTheTypedSettings() {
    CollectorConfig config = CollectorConfig.parse("--source", "hubble:-", "--spool-dir", "/tmp/s", "--spool-max-bytes", "256m",
        "--spool-segment-bytes", "16m", "--spool-fsync-interval", "0", "--handoff-timeout", "50ms", "--compression", "lz4",
        "--uplinks", "eth0,eth1", "--attach-mode", "CLSACT", "--active-timeout", "10s", "--rtt", "--node-name", "n1",
        "--flow-cache-slots", "4096");
    assertThat(config.sourceSpec()).isEqualTo(new CollectorConfig.SourceSpec.Hubble("-"));
    assertThat(config.spoolSettings().directory()).isEqualTo(Path.of("/tmp/s"));
    assertThat(config.spoolSettings().maxBytes()).isEqualTo(256L << 20);
    assertThat(config.spoolSettings().segmentBytes()).isEqualTo(16L << 20);
    assertThat(config.spoolSettings().fsyncInterval()).isZero();
    assertThat(config.publisherSettings().handoffTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.producerConfig()).containsEntry("compression.type", "lz4");
    CaptureSettings capture = config.captureSettings();
    assertThat(capture.uplinks()).isEqualTo(List.of("eth0", "eth1"));
    assertThat(capture.attachMode()).isEqualTo(CaptureSettings.AttachMode.CLSACT);
    assertThat(capture.activeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(capture.enableRtt()).isTrue();
    assertThat(capture.enableDrops()).isFalse();
    assertThat(capture.flowCacheSlots()).isEqualTo(4096);
    assertThat(config.enrichment().enabled()).as("enrichment is on by default").isTrue();
    assertThat(CollectorConfig.parse("--no-enrich").enrichment().enabled()).isFalse();
  }

  @Test
  void badOptionsSayWhatToGive() {
    assertThatThrownBy(() -> CollectorConfig.parse("--source", "pcap"))
        .hasMessage("--source pcap: expected ebpf, synthetic, hubble:<file> or hubble:- (stdin)");
    assertThatThrownBy(() -> CollectorConfig.parse("--spool-max-bytes", "lots")).hasMessageContaining("'lots' is not a size");
    assertThatThrownBy(() -> CollectorConfig.parse("--spill-after", "5")).hasMessageContaining("'5' needs a unit");
    assertThatThrownBy(() -> CollectorConfig.parse("--spool-max-bytes", "64m").spoolSettings())
        .hasMessageContaining("must be at least two segments");
    assertThatThrownBy(() -> CollectorConfig.parse("--flow-cache-slots", "1000").captureSettings())
        .hasMessage("--flow-cache-slots 1000: give 0 (no cache) or a power of two up to 65536");
    assertThatThrownBy(() -> CollectorConfig.parse("--compression", "brotli").producerConfig())
        .hasMessage("--compression brotli: expected zstd, lz4, gzip, snappy or none");
  }

  @Test
  void mainPrintsHelpAndRefusesBadOptionsWithExitCode2() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertThat(CollectorMain.run("--help")).isZero();
      assertThat(CollectorMain.run("--source", "pcap")).isEqualTo(2);
      assertThat(CollectorMain.run("--no-such-option")).isEqualTo(2);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("Usage: flowtel-collector", "--source pcap: expected",
        "Unknown option: '--no-such-option'");
  }
}
