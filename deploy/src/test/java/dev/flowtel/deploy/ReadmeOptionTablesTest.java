package dev.flowtel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.config.Durations;
import dev.flowtel.deploy.DeployTree.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option tables of the READMEs against the programs' picocli specs: every option a table
 * names exists in the program it documents, and every default a table quotes is the program's.
 * A renamed option or a changed default fails here, not in a reader's shell.
 */
class ReadmeOptionTablesTest {

  private static final Path ROOT = Path.of("..");

  /** README to the class holding the options it documents (classes, comma-separated: the first that has an option). */
  private static final Map<String, String> MODULE_READMES = Map.of(
      "stream-jobs/flink/README.md", "dev.flowtel.flink.traffic.TrafficAggregationConfig,dev.flowtel.flink.detection.PolicyAnomalyConfig",
      "collector/README.md", "dev.flowtel.collector.CollectorConfig",
      "cluster-state/README.md", "dev.flowtel.clusterstate.ClusterStatePublisherConfig",
      "stream-jobs/kafka-streams/README.md", "dev.flowtel.streams.app.StreamsAppConfig",
      "sinks/elasticsearch/README.md", "dev.flowtel.sink.elasticsearch.service.SinkConfig");

  /** The root README's programs table names each program's class by its simple name. */
  private static final Map<String, String> PROGRAM_CLASSES = Map.of(
      "CollectorConfig", "dev.flowtel.collector.CollectorConfig",
      "ClusterStatePublisherConfig", "dev.flowtel.clusterstate.ClusterStatePublisherConfig",
      "TrafficAggregationConfig", "dev.flowtel.flink.traffic.TrafficAggregationConfig",
      "PolicyAnomalyConfig", "dev.flowtel.flink.detection.PolicyAnomalyConfig",
      "StreamsAppConfig", "dev.flowtel.streams.app.StreamsAppConfig",
      "SinkConfig", "dev.flowtel.sink.elasticsearch.service.SinkConfig");

  private static final Pattern OPTION = Pattern.compile("`(--(?:\\[no-])?[a-z0-9][a-z0-9-]*)`");
  private static final Pattern QUOTED_DEFAULT = Pattern.compile("`([^`]+)`(?:\\s*\\([^)]*\\))?");
  private static final Pattern OPTION_WITH_DEFAULT = Pattern.compile("`(--[a-z0-9][a-z0-9-]*)`(?: \\(([^)]*)\\))?");

  @Test
  void moduleReadmesNameOnlyOptionsTheirProgramHasWithItsDefaults() throws IOException {
    List<String> problems = new ArrayList<>();
    int checkedOptions = 0;
    for (var readme : MODULE_READMES.entrySet()) {
      Map<String, OptionSpec> options = optionsOf(readme.getValue());
      List<String> lines = Files.readAllLines(ROOT.resolve(readme.getKey()));
      for (int i = 0; i < lines.size(); i++) {
        String[] cells = cells(lines.get(i));
        if (cells.length < 3 || !cells[0].contains("`--")) {
          continue;
        }
        String where = readme.getKey() + ":" + (i + 1);
        List<String> names = optionNames(cells[0]);
        for (String name : names) {
          checkedOptions++;
          if (!options.containsKey(name)) {
            problems.add(where + ": " + name + " is not an option of " + readme.getValue());
          }
        }
        String[] defaults = cells[1].split(",\\s+|\\s+/\\s+");
        if (defaults.length != names.size()) {
          continue; // one default for several options, or prose: nothing to compare one to one
        }
        for (int k = 0; k < names.size(); k++) {
          Matcher d = QUOTED_DEFAULT.matcher(defaults[k].trim());
          OptionSpec option = options.get(names.get(k));
          if (option != null && d.matches()) {
            compareDefault(where, option, names.get(k), d.group(1), problems);
          }
        }
      }
    }
    assertThat(checkedOptions).as("options found in the README tables").isGreaterThan(40);
    assertThat(problems).isEmpty();
  }

  @Test
  void theRootReadmesProgramTableNamesOnlyOptionsTheProgramsHaveWithTheirDefaults() throws IOException {
    List<String> problems = new ArrayList<>();
    int rows = 0;
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    for (int i = 0; i < lines.size(); i++) {
      String[] cells = cells(lines.get(i));
      if (cells.length < 3 || !cells[1].contains("`--") || cells[1].contains("`--help`")) {
        continue;
      }
      String simpleName = cells[2].replaceAll("[`\\s]", "").replaceAll(".*/", "");
      String programClass = PROGRAM_CLASSES.get(simpleName);
      String where = "README.md:" + (i + 1);
      if (programClass == null) {
        problems.add(where + ": " + cells[2] + " is not a program class this test knows (" + PROGRAM_CLASSES.keySet() + ")");
        continue;
      }
      rows++;
      Map<String, OptionSpec> options = optionsOf(programClass);
      Matcher m = OPTION_WITH_DEFAULT.matcher(cells[1]);
      while (m.find()) {
        String name = m.group(1);
        OptionSpec option = options.get(name);
        if (option == null) {
          problems.add(where + ": " + name + " is not an option of " + programClass);
        } else if (m.group(2) != null) {
          compareDefault(where, option, name, m.group(2), problems);
        }
      }
    }
    assertThat(rows).as("program rows in the root README").isGreaterThanOrEqualTo(6);
    assertThat(problems).isEmpty();
  }

  /**
   * An option a manifest gives a program is one a user of that manifest may need to change: it is
   * in a table of the program's README (or, for the Flink jobs, of the Flink module's README).
   */
  @Test
  void everyOptionAManifestPassesIsInItsProgramsReadmeTable() throws IOException {
    Map<String, String> readmeOf = new HashMap<>();
    MODULE_READMES.forEach((readme, programClasses) -> {
      for (String programClass : programClasses.split(",")) {
        readmeOf.put(programClass, readme);
      }
    });
    Set<String> problems = new TreeSet<>();
    int checked = 0;
    for (Manifest manifest : DeployTree.resources()) {
      for (Containers.Launch launch : Containers.of(manifest.tree(), manifest.toString())) {
        String readme = readmeOf.get(launch.programClass());
        if (readme == null) {
          continue; // not one of our programs (Kafka, Elasticsearch, an init container's shell)
        }
        Set<String> documented = tableOptions(ROOT.resolve(readme));
        for (String arg : launch.args()) {
          if (!arg.startsWith("--")) {
            continue;
          }
          String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
          checked++;
          if (!documented.contains(name)) {
            problems.add(readme + " has no table row for " + name + ", which " + launch.where() + " passes");
          }
        }
      }
    }
    assertThat(checked).as("options the manifests pass to our programs").isGreaterThan(10);
    assertThat(problems).isEmpty();
  }

  /** Every option named in the first cell of a table row. */
  private static Set<String> tableOptions(Path readme) throws IOException {
    Set<String> options = new java.util.HashSet<>();
    for (String line : Files.readAllLines(readme)) {
      String[] cells = cells(line);
      if (cells.length >= 2) {
        options.addAll(optionNames(cells[0]));
      }
    }
    return options;
  }

  /** The options a table cell names, {@code --[no-]x} as {@code --x}. */
  private static List<String> optionNames(String cell) {
    List<String> names = new ArrayList<>();
    Matcher m = OPTION.matcher(cell);
    while (m.find()) {
      names.add(m.group(1).replace("[no-]", ""));
    }
    return names;
  }

  private static void compareDefault(String where, OptionSpec option, String name, String documented, List<String> problems) {
    String actual = option.defaultValue();
    if (actual == null || actual.contains("${")) {
      return; // no default, or one from the environment: the README explains it in words
    }
    if (actual.equals(documented) || sameDuration(actual, documented)) {
      return;
    }
    problems.add(where + ": " + name + " defaults to " + actual + ", the README says " + documented);
  }

  private static boolean sameDuration(String a, String b) {
    try {
      return Durations.parse(a).equals(Durations.parse(b));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The cells of a Markdown table row, or none for any other line. */
  private static String[] cells(String line) {
    String t = line.trim();
    if (!t.startsWith("|") || !t.endsWith("|")) {
      return new String[0];
    }
    String[] cells = t.substring(1, t.length() - 1).split("(?<!\\\\)\\|", -1);
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cells[i].trim();
    }
    return cells;
  }

  /** Every name the program answers to, negated forms included, to its option. */
  private static Map<String, OptionSpec> optionsOf(String programClasses) {
    Map<String, OptionSpec> byName = new HashMap<>();
    for (String programClass : programClasses.split(",")) {
      CommandLine commandLine = Programs.commandLine(programClass);
      commandLine.setInterpolateVariables(false);
      CommandSpec spec = commandLine.getCommandSpec();
      for (OptionSpec option : spec.options()) {
        for (String name : option.names()) {
          byName.putIfAbsent(name, option);
          if (option.negatable() && name.startsWith("--")) {
            byName.putIfAbsent(name.startsWith("--no-") ? "--" + name.substring(5) : "--no-" + name.substring(2), option);
          }
        }
      }
    }
    return byName;
  }
}
