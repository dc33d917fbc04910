package dev.flowtel.collector.enrich;

import static dev.flowtel.collector.enrich.DnsTransactions.answered;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.wire.AvroClassTrust;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given a pod of Deployment shop/checkout on node-1 that resolved api.example.com through kube-dns, when its flows and
 * DNS transactions are enriched, then external ends carry the name, pods do not, and no shared endpoint changes.
 */
class FlowEnricherTest {

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final String POD = "10.244.1.7";
  private static final String KUBE_DNS = "10.96.0.10";
  private static final String API = "104.20.67.143";

  private final MutableClock clock = new MutableClock(T0);
  private EnrichmentCache cache;
  private DnsAnswerCache names;
  private FlowEnricher enricher;

  @BeforeEach
  void cluster() {
    AvroClassTrust.install(); // the tests build FlowEvents before any codec would have installed it
    cache = new EnrichmentCache(EnrichmentSettings.defaults(), clock);
    cache.upsertPod(new PodRecord("uid-checkout", "shop", "checkout-7d9f-abcde", Map.of("app", "checkout"), "node-1", false,
        List.of(), List.of(IpAddress.parse(POD)), List.of(), new OwnerRef("Deployment", "checkout"), null,
        T0.minusSeconds(60).toEpochMilli(), PodRecord.OPEN, "1"));
    names = new DnsAnswerCache(1000, Duration.ofSeconds(30), Duration.ofHours(1), clock);
    enricher = new FlowEnricher(cache, names);
  }

  @Test
  void anExternalDestinationCarriesTheNameItsClientResolvedAndThePodEndDoesNot() {
    names.record(answered(POD, KUBE_DNS, "api.example.com", T0, 0, 300, API));

    FlowEvent request = enricher.enrich(KubeFixtures.flow(POD, 40_000, API, 443, T0.plusSeconds(1), T0.plusSeconds(3)));
    FlowEvent reply = enricher.enrich(KubeFixtures.flow(API, 443, POD, 40_000, T0.plusSeconds(1), T0.plusSeconds(3)));

    assertThat(request.getDestination().getKind()).isEqualTo(EndpointKind.EXTERNAL);
    assertThat(request.getDestination().getNetworkClass()).isEqualTo(NetworkClass.PUBLIC);
    assertThat(request.getDestination().getDomain()).isEqualTo("api.example.com");
    assertThat(request.getSource().getPod()).isEqualTo("checkout-7d9f-abcde");
    assertThat(request.getSource().getDomain()).isNull();
    assertThat(reply.getSource().getDomain()).as("source.domain of the reply").isEqualTo("api.example.com");
    assertThat(reply.getDestination().getDomain()).isNull();
    assertThat(enricher.namedEndpoints()).isEqualTo(2);
  }

  @Test
  void theNamedEndpointIsACopyAndTheSharedOneIsNeverChanged() {
    long t = T0.plusSeconds(1).toEpochMilli();
    Endpoint shared = cache.endpoint(IpAddress.parse(API), 443, 6, t, t);
    names.record(answered(POD, KUBE_DNS, "api.example.com", T0, 0, 300, API));

    Endpoint first = enricher.enrich(KubeFixtures.flow(POD, 40_000, API, 443, T0.plusSeconds(1), T0.plusSeconds(3))).getDestination();
    Endpoint second = enricher.enrich(KubeFixtures.flow(POD, 40_001, API, 443, T0.plusSeconds(2), T0.plusSeconds(4))).getDestination();
    FlowEvent unnamed = enricher.enrich(KubeFixtures.flow(POD, 40_002, "8.8.4.4", 443, T0.plusSeconds(2), T0.plusSeconds(4)));

    assertThat(first).isNotSameAs(shared).isSameAs(second);
    assertThat(shared.getDomain()).isNull();
    assertThat(cache.endpoint(IpAddress.parse(API), 443, 6, t, t)).isSameAs(shared);
    assertThat(shared.getDomain()).isNull();
    assertThat(unnamed.getDestination()).as("no answer for it: the shared endpoint itself").isSameAs(shared);
  }

  @Test
  void aFlowAfterTheAnswerExpiredCarriesNoName() {
    names.record(answered(POD, KUBE_DNS, "api.example.com", T0, 0, 60, API));
    FlowEvent late = enricher.enrich(KubeFixtures.flow(POD, 40_000, API, 443, T0.plusSeconds(61), T0.plusSeconds(62)));
    assertThat(late.getDestination().getKind()).isEqualTo(EndpointKind.EXTERNAL);
    assertThat(late.getDestination().getDomain()).isNull();
  }

  @Test
  void aDnsTransactionGetsItsClientAndServerAsFlowsDo() {
    cache.upsertService(new ServiceRecord("kube-system", "kube-dns", List.of(IpAddress.parse(KUBE_DNS)), List.of(),
        Map.of("k8s-app", "kube-dns"), "1"));
    DnsTransaction viaKubeDns = answered(POD, KUBE_DNS, "api.example.com", T0, 0, 300, API);
    names.record(viaKubeDns);
    enricher.enrich(viaKubeDns);

    assertThat(viaKubeDns.getClient().getNamespace()).isEqualTo("shop");
    assertThat(viaKubeDns.getClient().getWorkloadName()).isEqualTo("checkout");
    assertThat(viaKubeDns.getServer().getKind()).isEqualTo(EndpointKind.SERVICE);
    assertThat(viaKubeDns.getServer().getServices()).containsExactly("kube-dns");

    names.record(answered(POD, KUBE_DNS, "dns.google", T0, 0, 300, "8.8.8.8"));
    DnsTransaction direct = enricher.enrich(answered(POD, "8.8.8.8", "example.org", T0.plusSeconds(1), 0, 300, "93.184.215.14"));
    assertThat(direct.getServer().getKind()).isEqualTo(EndpointKind.EXTERNAL);
    assertThat(direct.getServer().getDomain()).isEqualTo("dns.google");
  }

  @Test
  void withoutADnsCacheExternalEndsCarryNoName() {
    FlowEvent flow = new FlowEnricher(cache).enrich(KubeFixtures.flow(POD, 40_000, API, 443, T0.plusSeconds(1), T0.plusSeconds(3)));
    assertThat(flow.getDestination().getKind()).isEqualTo(EndpointKind.EXTERNAL);
    assertThat(flow.getDestination().getDomain()).isNull();
  }
}
