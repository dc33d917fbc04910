package dev.flowtel.collector.bpf;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.collector.capture.CaptureProgram;
import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.capture.KernelFlow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A capture program loaded afresh for each test, with empty tables, and closed after it; the test
 * is skipped, with the reason, where eBPF is not permitted. Register with {@code @RegisterExtension}.
 */
final class LoadedCaptureProgram implements BeforeEachCallback, AfterEachCallback {

  private final CaptureSettings settings;
  private CaptureProgram program;

  LoadedCaptureProgram(CaptureSettings settings) {
    this.settings = settings;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    program = CaptureProgram.load(settings);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (program != null) {
      program.close();
      program = null;
    }
  }

  CaptureProgram program() {
    return program;
  }

  /** Flips the tables and drains what the programs counted until now, as the evictor does. */
  List<KernelFlow> drain() {
    List<KernelFlow> flows = new ArrayList<>();
    program.flipAndDrain(64, flows::add);
    return flows;
  }
}
