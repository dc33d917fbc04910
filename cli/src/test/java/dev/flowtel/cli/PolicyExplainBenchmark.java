package dev.flowtel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import picocli.CommandLine;

/**
 * Not a test: generates a synthetic cluster (40 namespaces x 25 pods), 400 NetworkPolicies and
 * 5000 connections, then times one {@code policy explain --output json} run in a fresh JVM.
 * Run it with {@code java -cp <test classpath> dev.flowtel.cli.PolicyExplainBenchmark [dir]}; the
 * files stay in {@code dir} so that {@code ./flowtel policy explain} can be timed on them too.
 */
public final class PolicyExplainBenchmark {

  private PolicyExplainBenchmark() {}

  public static void main(String[] args) throws IOException {
    long jvmStarted = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("flowtel-policy-bench");
    int connections = generate(dir, 40, 25, 400, 5000, new Random(42));
    StringWriter out = new StringWriter();
    long start = System.nanoTime();
    int exit = new CommandLine(new FlowtelCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(System.err, true))
        .execute("policy", "explain", "--cluster", dir.resolve("cluster.yaml").toString(),
            "--policies", dir.resolve("policies").toString(), "--connections", dir.resolve("conns.jsonl").toString(),
            "--output", "json");
    long millis = (System.nanoTime() - start) / 1_000_000;
    long lines = out.toString().lines().count();
    long allowed = out.toString().lines().filter(l -> l.contains("\"allowed\":true,\"explanation\":\"allowed")).count();
    System.out.printf("exit %d: %d connections judged (%d lines, %d allowed) in %d ms in-process, first run of a cold JVM"
        + " (%d ms since JVM start); files in %s%n", exit, connections, lines, allowed, millis,
        System.currentTimeMillis() - jvmStarted, dir);
  }

  /** Writes cluster.yaml, policies/*.yaml and conns.jsonl; returns the number of connections. */
  static int generate(Path dir, int namespaces, int podsPerNamespace, int policies, int connections, Random random)
      throws IOException {
    Files.createDirectories(dir.resolve("policies"));
    String[] apps = {"web", "api", "db", "cache", "worker"};
    StringBuilder cluster = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
    for (int n = 0; n < namespaces; n++) {
      cluster.append("- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ns").append(n)
          .append("\n    labels: {env: ").append(n % 3 == 0 ? "prod" : "dev").append(", team: t").append(n % 7).append("}\n");
      for (int p = 0; p < podsPerNamespace; p++) {
        cluster.append("- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: pod").append(p).append("\n    namespace: ns").append(n)
            .append("\n    labels: {app: ").append(apps[p % apps.length]).append(", tier: t").append(p % 3).append("}\n")
            .append("  spec:\n    containers:\n    - name: main\n      ports:\n      - {name: http, containerPort: 8080}\n")
            .append("      - {name: metrics, containerPort: 9090}\n")
            .append("  status: {podIP: 10.").append(n / 250).append('.').append(n % 250).append('.').append(p + 1).append("}\n");
      }
    }
    Files.writeString(dir.resolve("cluster.yaml"), cluster);
    for (int i = 0; i < policies; i++) {
      int ns = random.nextInt(namespaces);
      String app = apps[random.nextInt(apps.length)];
      StringBuilder policy = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p")
          .append(i).append("\n  namespace: ns").append(ns).append("\nspec:\n  podSelector:\n    matchLabels: {app: ").append(app)
          .append("}\n  policyTypes: [Ingress").append(i % 4 == 0 ? ", Egress" : "").append("]\n  ingress:\n")
          .append("  - from:\n    - namespaceSelector:\n        matchExpressions:\n        - {key: env, operator: In, values: [prod]}\n")
          .append("      podSelector: {matchLabels: {app: ").append(apps[random.nextInt(apps.length)]).append("}}\n")
          .append("    - podSelector:\n        matchExpressions:\n        - {key: tier, operator: NotIn, values: [t2]}\n")
          .append("    ports:\n    - port: http\n    - {port: 9000, endPort: 9100}\n")
          .append("  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.").append(random.nextInt(namespaces)).append(".0/24]}\n")
          .append("    ports:\n    - {port: 443, protocol: TCP}\n");
      if (i % 4 == 0) {
        policy.append("  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {team: t").append(random.nextInt(7))
            .append("}}\n  - ports:\n    - {port: 53, protocol: UDP}\n");
      }
      Files.writeString(dir.resolve("policies/p" + i + ".yaml"), policy);
    }
    StringBuilder conns = new StringBuilder();
    String[] ports = {"80", "443", "8080", "\"http\"", "\"metrics\"", "9050", "53"};
    for (int i = 0; i < connections; i++) {
      String from = "ns" + random.nextInt(namespaces) + "/pod" + random.nextInt(podsPerNamespace);
      String to = i % 10 == 0 ? "203.0.113." + random.nextInt(255) : "ns" + random.nextInt(namespaces) + "/pod" + random.nextInt(podsPerNamespace);
      String port = ports[random.nextInt(ports.length)];
      if (to.startsWith("203") && port.startsWith("\"")) {
        port = "443";
      }
      conns.append("{\"from\":\"").append(from).append("\",\"to\":\"").append(to).append("\",\"port\":").append(port)
          .append(",\"protocol\":\"").append(port.equals("53") ? "UDP" : "TCP").append("\"}\n");
    }
    Files.writeString(dir.resolve("conns.jsonl"), conns);
    return connections;
  }
}
