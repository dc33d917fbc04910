package dev.flowtel.deploy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The programs Flowtel's images run, as the picocli command each one parses its arguments
 * with: the manifests are checked against these, so a renamed option breaks the build, not a
 * rollout.
 */
final class Programs {

  /** Image repository (ghcr.io/flowtel/&lt;name&gt;) to the class holding the program's options. */
  private static final Map<String, String> IMAGE_PROGRAMS = Map.of(
      "collector", "dev.flowtel.collector.CollectorConfig",
      "cluster-state", "dev.flowtel.clusterstate.ClusterStatePublisherConfig",
      "streams", "dev.flowtel.streams.app.StreamsAppConfig",
      "tools", "dev.flowtel.cli.FlowtelCommand");

  /** Environment variables the JVM itself reads, which no program option names. */
  private static final Set<String> JVM_ENVIRONMENT = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
  private static final Pattern DEPENDENT_VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private Programs() {}

  static String programOfImage(String image) {
    String repository = image.replaceFirst(":[^:/]+$", "");
    String name = repository.substring(repository.lastIndexOf('/') + 1);
    String program = IMAGE_PROGRAMS.get(name);
    if (program == null || !repository.startsWith("ghcr.io/flowtel/")) {
      throw new IllegalArgumentException("image " + image + " is not one of Flowtel's (" + IMAGE_PROGRAMS.keySet() + ")");
    }
    return program;
  }

  /** The Flink jobs take their options in the class beside their entry class: XMain to XConfig. */
  static String programOfFlinkEntryClass(String entryClass) {
    if (!entryClass.endsWith("Main")) {
      throw new IllegalArgumentException("entry class " + entryClass + " is not one of Flowtel's *Main classes");
    }
    return entryClass.substring(0, entryClass.length() - "Main".length()) + "Config";
  }

  static CommandLine commandLine(String programClass) {
    try {
      Class<?> type = Class.forName(programClass);
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return new CommandLine(constructor.newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("program class " + programClass + " is missing: " + e, e);
    }
  }

  /**
   * Parses {@code args} as the program would, with Kubernetes' $(VAR) references replaced by a
   * sample value; returns the error, or null when the program accepts them.
   */
  static String rejection(String programClass, List<String> args) {
    List<String> expanded = args.stream().map(arg -> DEPENDENT_VARIABLE.matcher(arg).replaceAll("sample")).toList();
    try {
      commandLine(programClass).parseArgs(expanded.toArray(String[]::new));
      return null;
    } catch (CommandLine.ParameterException e) {
      return e.getMessage();
    }
  }

  /** Environment variables the program reads: the ${env:X} defaults of its options, in every subcommand. */
  static Set<String> environmentOf(String programClass) {
    Set<String> names = new LinkedHashSet<>(JVM_ENVIRONMENT);
    CommandLine commandLine = commandLine(programClass);
    // Raw defaults: "${env:FLOWTEL_ES_PASSWORD}", not its value on this machine.
    commandLine.setInterpolateVariables(false);
    collectEnvironment(commandLine.getCommandSpec(), names);
    return names;
  }

  /** The $(VAR) references in arguments, which Kubernetes fills from the container's env. */
  static Set<String> referencedVariables(List<String> args) {
    Set<String> names = new LinkedHashSet<>();
    for (String arg : args) {
      Matcher matcher = DEPENDENT_VARIABLE.matcher(arg);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  private static void collectEnvironment(CommandSpec spec, Set<String> names) {
    for (OptionSpec option : spec.options()) {
      String raw = option.defaultValue();
      if (raw != null) {
        Matcher matcher = ENV_DEFAULT.matcher(raw);
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
      }
    }
    spec.subcommands().values().forEach(sub -> collectEnvironment(sub.getCommandSpec(), names));
  }
}
