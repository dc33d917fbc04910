package dev.flowtel.cli;

import dev.flowtel.sink.elasticsearch.service.SinkConfig;
import dev.flowtel.sink.elasticsearch.service.SinkMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./flowtel sink}: the standalone Kafka-to-Elasticsearch sink, until Ctrl-C. Its options,
 * description and defaults are the sink's own {@link SinkConfig} (mixed in), so
 * {@code ./flowtel sink --help} and the sink's program print the same list.
 */
@Command(name = "sink", mixinStandardHelpOptions = true)
final class SinkCommand implements Callable<Integer> {

  @Mixin
  SinkConfig config = new SinkConfig();

  @Override
  public Integer call() throws InterruptedException {
    return SinkMain.run(config);
  }
}
