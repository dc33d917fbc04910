package dev.flowtel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house's rules, read from the sources as text so that no module has to depend on another to
 * check them: no package of a module imports, directly or around a loop, a package that imports
 * it back; engine code lives only in the engine modules; the ground floor and the sinks know no
 * engine. A failure names the packages of the loop, or the file and the import that broke a rule.
 */
class ArchitectureTest {

  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)(?:\\.\\*)?;", Pattern.MULTILINE);

  /** Modules below the engines: they may use neither Flink nor Kafka Streams. */
  private static final List<String> ENGINE_FREE = List.of("schemas", "analytics", "sinks/elasticsearch", "simulator",
      "collector", "cluster-state", "local-stack", "test-fixtures");

  /**
   * No module has a package loop. Equality, not containment: a loop that appears names its
   * packages in the failure.
   */
  private static final Map<String, List<List<String>>> KNOWN_LOOPS = Map.of();

  @Test
  void noModuleHasAPackageLoop() {
    Map<String, List<List<String>>> loops = new TreeMap<>();
    for (Path module : modules()) {
      List<List<String>> found = packageLoops(sourcesOf(module));
      if (!found.isEmpty()) {
        loops.put(repository().relativize(module).toString(), found);
      }
    }
    assertThat(loops).as("package loops per module (each list is one loop's packages)").isEqualTo(KNOWN_LOOPS);
  }

  @Test
  void modulesBelowTheEnginesImportNoEngine() {
    List<String> offences = new ArrayList<>();
    for (String module : ENGINE_FREE) {
      offences.addAll(importsStartingWith(module, "org.apache.flink.", "org.apache.kafka.streams."));
    }
    assertThat(offences).as("engine imports outside stream-jobs/").isEmpty();
  }

  @Test
  void eachEngineModuleImportsOnlyItsOwnEngine() {
    List<String> offences = new ArrayList<>();
    offences.addAll(importsStartingWith("stream-jobs/flink", "org.apache.kafka.streams."));
    offences.addAll(importsStartingWith("stream-jobs/kafka-streams", "org.apache.flink."));
    assertThat(offences).isEmpty();
  }

  /** Tests included: what compares the engines lives in stream-jobs/engine-parity, so each engine builds alone. */
  @Test
  void neitherEngineModuleDependsOnTheOtherEngine() throws IOException {
    assertThat(Files.readString(repository().resolve("stream-jobs/flink/pom.xml")))
        .doesNotContain("<artifactId>flowtel-stream-kafka-streams</artifactId>", "<artifactId>kafka-streams</artifactId>");
    assertThat(Files.readString(repository().resolve("stream-jobs/kafka-streams/pom.xml")))
        .doesNotContain("<artifactId>flowtel-stream-flink</artifactId>", "<groupId>org.apache.flink</groupId>");
  }

  /** What users deploy: the node agent, the cluster-state publisher, the jobs and the sink. */
  private static final List<String> DEPLOYABLES = List.of("collector", "cluster-state", "stream-jobs/flink",
      "stream-jobs/kafka-streams", "sinks/elasticsearch");

  @Test
  void noDeployableDependsOnTheSimulator() throws IOException {
    List<String> offences = new ArrayList<>();
    for (String module : DEPLOYABLES) {
      offences.addAll(importsStartingWith(module, "dev.flowtel.simulator."));
      String pom = Files.readString(repository().resolve(module).resolve("pom.xml"));
      Matcher simulator = Pattern.compile("<artifactId>flowtel-simulator</artifactId>\\s*(<[^/][^>]*>[^<]*</[^>]+>\\s*)*").matcher(pom);
      while (simulator.find()) {
        if (!simulator.group().contains("<scope>test</scope>")) {
          offences.add(module + "/pom.xml: flowtel-simulator outside the test scope");
        }
      }
    }
    assertThat(offences).as("deployables that carry test data").isEmpty();
  }

  @Test
  void theLoopFinderFindsALoopAndOnlyALoop() {
    Map<String, String> sources = Map.of(
        "a/A.java", "package x.a;\nimport x.b.B;\n",
        "b/B.java", "package x.b;\nimport x.c.C;\n",
        "c/C.java", "package x.c;\nimport x.a.A;\n",
        "d/D.java", "package x.d;\nimport x.a.A;\nimport java.util.List;\n");
    assertThat(packageLoops(sources)).containsExactly(List.of("x.a", "x.b", "x.c"));
    assertThat(packageLoops(Map.of("a/A.java", "package x.a;\nimport x.b.B;\n", "b/B.java", "package x.b;\n"))).isEmpty();
  }

  /** Every Maven module with main Java sources. */
  private static List<Path> modules() {
    try (Stream<Path> paths = Files.walk(repository(), 4)) {
      return paths.filter(p -> p.endsWith(Path.of("src", "main", "java")))
          .filter(p -> !p.toString().contains("/target/"))
          .map(p -> p.getParent().getParent().getParent()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repository() {
    return DeployTree.root().getParent();
  }

  /** file name -> text of a module's main sources. */
  private static Map<String, String> sourcesOf(Path module) {
    Path root = module.resolve("src/main/java");
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        sources.put(root.relativize(file).toString(), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }

  private static List<String> importsStartingWith(String module, String... prefixes) {
    List<String> offences = new ArrayList<>();
    sourcesOf(repository().resolve(module)).forEach((file, text) -> {
      Matcher m = IMPORT.matcher(text);
      while (m.find()) {
        for (String prefix : prefixes) {
          if (m.group(1).startsWith(prefix)) {
            offences.add(module + "/src/main/java/" + file + ": import " + m.group(1));
          }
        }
      }
    });
    return offences;
  }

  /** The strongly connected groups of more than one package, each sorted, in sorted order. */
  static List<List<String>> packageLoops(Map<String, String> sources) {
    Map<String, Set<String>> imports = new TreeMap<>();
    for (String text : sources.values()) {
      Matcher p = PACKAGE.matcher(text);
      if (p.find()) {
        imports.computeIfAbsent(p.group(1), k -> new TreeSet<>());
      }
    }
    for (String text : sources.values()) {
      Matcher p = PACKAGE.matcher(text);
      if (!p.find()) {
        continue;
      }
      String from = p.group(1);
      Matcher m = IMPORT.matcher(text);
      while (m.find()) {
        String to = packageOf(m.group(1));
        if (!to.equals(from) && imports.containsKey(to)) {
          imports.get(from).add(to);
        }
      }
    }
    return new Tarjan(imports).loops();
  }

  /** The leading lower-case segments of an imported name: its package. */
  private static String packageOf(String imported) {
    StringBuilder pkg = new StringBuilder();
    for (String part : imported.split("\\.")) {
      if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
        break;
      }
      if (!pkg.isEmpty()) {
        pkg.append('.');
      }
      pkg.append(part);
    }
    return pkg.toString();
  }

  /** Tarjan's strongly connected components over the package graph. */
  private static final class Tarjan {
    private final Map<String, Set<String>> edges;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new TreeSet<>();
    private final List<List<String>> loops = new ArrayList<>();

    Tarjan(Map<String, Set<String>> edges) {
      this.edges = edges;
    }

    List<List<String>> loops() {
      for (String node : edges.keySet()) {
        if (!index.containsKey(node)) {
          visit(node);
        }
      }
      loops.sort((a, b) -> a.get(0).compareTo(b.get(0)));
      return loops;
    }

    private void visit(String node) {
      index.put(node, index.size());
      low.put(node, index.get(node));
      stack.push(node);
      onStack.add(node);
      for (String next : edges.get(node)) {
        if (!index.containsKey(next)) {
          visit(next);
          low.put(node, Math.min(low.get(node), low.get(next)));
        } else if (onStack.contains(next)) {
          low.put(node, Math.min(low.get(node), index.get(next)));
        }
      }
      if (low.get(node).equals(index.get(node))) {
        List<String> component = new ArrayList<>();
        String member;
        do {
          member = stack.pop();
          onStack.remove(member);
          component.add(member);
        } while (!member.equals(node));
        if (component.size() > 1) {
          component.sort(String::compareTo);
          loops.add(component);
        }
      }
    }
  }
}
