package dev.flowtel.cli;

import dev.flowtel.collector.CollectorMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./flowtel collector [options]}: the node agent, exactly as its jar runs it. The options
 * belong to the collector's own configuration, so they are passed through untouched and
 * {@code ./flowtel collector --help} prints the same list as {@code java -jar flowtel-collector.jar --help}.
 */
@Command(name = "collector",
    description = {"Runs the node agent: eBPF capture (or the simulator, or a Hubble export), published to Kafka",
        "with an on-disk spool. --help lists its options."})
final class CollectorCommand implements Callable<Integer> {

  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    return CollectorMain.run(args.toArray(String[]::new));
  }
}
