package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The top-level command: an unknown command is named as unknown, with or without --help. */
class FlowtelCommandTest {

  @Test
  void anUnknownCommandIsNamedAndExitsWithAUsageError() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int withHelp;
    int without;
    try {
      withHelp = FlowtelCommand.run("nosuchcommand", "--help");
      without = FlowtelCommand.run("nosuchcommand");
    } finally {
      System.setErr(saved);
    }
    assertThat(withHelp).isEqualTo(2);
    assertThat(without).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("flowtel: unknown command 'nosuchcommand'", "up", "policy");
  }

  @Test
  void aKnownCommandsHelpSucceeds() {
    PrintStream saved = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      assertThat(FlowtelCommand.run("down", "--help")).isZero();
      assertThat(FlowtelCommand.run("--help")).isZero();
    } finally {
      System.setOut(saved);
    }
  }
}
