package dev.flowtel.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Where {@code ./flowtel up}'s own JVM logs while the live view owns the terminal: a file in the
 * state folder. The live view is redrawn in place, and a warning of the Kafka clients, Flink, Pekko
 * or Elasticsearch's client printed into it would tear it; what they say is kept, just not there.
 */
final class PipelineLog {

  static final String FILE_NAME = "flowtel-up.log";

  private PipelineLog() {}

  /** Sends every log line of this JVM (Flowtel's INFO and up, libraries' WARN and up) to the state folder's log; returns its path. */
  static Path routeToStateDirectory(Path stateDirectory) {
    Path file = stateDirectory.resolve(FILE_NAME);
    ConfigurationBuilder<BuiltConfiguration> config = ConfigurationBuilderFactory.newConfigurationBuilder();
    config.setStatusLevel(Level.ERROR);
    config.add(config.newAppender("file", "File")
        .addAttribute("fileName", file.toString())
        .addAttribute("append", true)
        .add(config.newLayout("PatternLayout").addAttribute("pattern", "%d{ISO8601} %-5p [%t] %c - %m%n")));
    config.add(config.newLogger("dev.flowtel", Level.INFO));
    config.add(config.newLogger("org.apache.kafka", Level.WARN));
    // The embedded MiniCluster warns about its own metric names on every checkpoint.
    config.add(config.newLogger("org.apache.flink", Level.ERROR));
    config.add(config.newRootLogger(Level.WARN).add(config.newAppenderRef("file")));
    Configurator.reconfigure(config.build());
    return file;
  }
}
