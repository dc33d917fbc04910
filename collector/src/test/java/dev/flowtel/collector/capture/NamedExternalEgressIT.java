package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.enrich.DnsAnswerCache;
import dev.flowtel.collector.enrich.EnrichmentCache;
import dev.flowtel.collector.enrich.EnrichmentSettings;
import dev.flowtel.collector.enrich.FlowEnricher;
import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.ExternalEgressDetector;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's end-to-end promise on real packets: given dnsmasq answering {@code api.flowtel.test} with an address
 * outside the cluster (203.0.113.10, TEST-NET-3, which lives in the "node" namespace we create), when a host in the
 * client namespace resolves the name with dig and then opens a TCP connection to the address, then the flow the
 * capture exports carries the name as its destination's domain, and the EXTERNAL_EGRESS anomaly the detector raises
 * for it names the domain.
 */
@Tag("ebpf")
class NamedExternalEgressIT {

  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String NAME = "api.flowtel.test";
  private static final String EXTERNAL = "203.0.113.10";
  private static final int PORT = 8443;

  @Test
  void anExternalEgressAnomalyNamesTheDomainTheClientResolved() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    for (String tool : List.of("dnsmasq", "dig")) {
      assumeThat(Dnsmasq.onPath(tool)).as("%s is not installed (.ci/run installs dnsmasq-base, dnsutils)", tool).isTrue();
    }
    List<FlowEvent> flows = new ArrayList<>();
    List<DnsTransaction> transactions = new ArrayList<>();
    try (NetnsLab lab = new NetnsLab()) {
      String client = lab.namespace("c");
      String node = lab.namespace("n");
      String nodeVeth = "fn" + lab.id;
      lab.veth(client, "fc" + lab.id, node, nodeVeth);
      lab.address(client, "fc" + lab.id, "10.79.0.1/24");
      lab.address(node, nodeVeth, "10.79.0.2/24");
      lab.address(node, "lo", EXTERNAL + "/32");
      NetnsLab.ip("-n", client, "route", "add", "default", "via", "10.79.0.2");

      Dnsmasq dnsmasq = Dnsmasq.start(node, List.of("10.79.0.2"), List.of(NAME + "," + EXTERNAL + ",300"));
      ServerSocket server;
      try {
        server = NetnsLab.inside(node, () -> new ServerSocket(PORT, 8, InetAddress.getByName(EXTERNAL)));
      } catch (Exception | Error e) {
        dnsmasq.close();
        throw e;
      }
      Thread.ofPlatform().daemon(true).start(() -> serveOnce(server));
      try {
        EnrichmentCache cluster = new EnrichmentCache(EnrichmentSettings.defaults(), Clock.systemUTC());
        DnsAnswerCache names = DnsAnswerCache.withDefaults(Clock.systemUTC());
        FlowEnricher enricher = new FlowEnricher(cluster, names);
        CaptureSettings settings = NetnsLab.captureOn(node, nodeVeth);
        try (EbpfFlowSource source = new EbpfFlowSource(settings)) {
          source.onDnsTransaction(t -> {
            names.record(t);
            synchronized (transactions) {
              transactions.add(enricher.enrich(t));
            }
          });
          source.start((flow, key) -> {
            FlowEvent enriched = enricher.enrich(flow);
            synchronized (flows) {
              flows.add(enriched);
            }
          });
          await().atMost(LIMIT).until(() -> source.attachedInterfaces().contains(nodeVeth));

          String answer = NetnsLab.run("ip", "netns", "exec", client, "dig", "@10.79.0.2", NAME, "A", "+short", "+tries=1", "+time=10");
          assertThat(answer.strip()).isEqualTo(EXTERNAL);
          // The name is known once the capture delivered the answer: only then is the connection opened.
          await().atMost(LIMIT).until(() -> names.name(dev.flowtel.core.policy.IpAddress.parse(EXTERNAL), System.currentTimeMillis()) != null);
          NetnsLab.inside(client, () -> {
            try (Socket s = new Socket()) {
              s.connect(new InetSocketAddress(EXTERNAL, PORT), 10_000);
              OutputStream out = s.getOutputStream();
              out.write(new byte[1000]);
              out.flush();
              s.shutdownOutput();
              return s.getInputStream().readAllBytes().length;
            }
          });
          await().atMost(LIMIT).until(() -> {
            synchronized (flows) {
              return flows.stream().anyMatch(f -> to(f, EXTERNAL) && f.getDstPort() == PORT);
            }
          });
        }
      } finally {
        server.close();
        dnsmasq.close();
      }
    }

    List<FlowEvent> toExternal;
    synchronized (flows) {
      toExternal = flows.stream().filter(f -> to(f, EXTERNAL) && f.getDstPort() == PORT).toList();
    }
    assertThat(toExternal).isNotEmpty().allSatisfy(f -> {
      assertThat(f.getDestination().getKind()).isEqualTo(EndpointKind.EXTERNAL);
      assertThat(f.getDestination().getDomain()).isEqualTo(NAME);
    });
    synchronized (transactions) {
      assertThat(transactions).anySatisfy(t -> assertThat(t.getQueryName()).isEqualTo(NAME));
    }

    // No learning: every external address is new, as one never used while learning is.
    ExternalEgressDetector detector = new ExternalEgressDetector(DetectionConfig.defaults().withLearningPeriod(Duration.ZERO));
    ExternalEgressDetector.State state = detector.newState();
    List<PolicyAnomaly> anomalies = new ArrayList<>();
    FlowClassifier classifier = new FlowClassifier();
    for (FlowEvent flow : toExternal) {
      ObservedFlow.of(flow, classifier).filter(detector::accepts)
          .ifPresent(o -> detector.onFlow(state, o, PolicyJudgement.UNKNOWN, Long.MIN_VALUE, anomalies::add));
    }
    assertThat(anomalies).isNotEmpty().allSatisfy(a -> {
      assertThat(a.getType()).isEqualTo(AnomalyType.EXTERNAL_EGRESS);
      assertThat(a.getEvidence().getPolicyExplanation()).contains("reached " + NAME + " (" + EXTERNAL + ")");
      assertThat(a.getSummary()).contains("reached external address " + NAME + " (" + EXTERNAL + ")");
    });
  }

  private static boolean to(FlowEvent f, String address) {
    try {
      return Arrays.equals(bytes(f), InetAddress.getByName(address).getAddress());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(FlowEvent f) {
    java.nio.ByteBuffer b = f.getDstAddr().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static void serveOnce(ServerSocket server) {
    try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
      in.readAllBytes();
      s.getOutputStream().write(new byte[2000]);
    } catch (java.io.IOException closed) {
      // the test closed the server, or the client went away: nothing to serve
    }
  }
}
