package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.AvroClassTrust;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput harness (not a test): enriches flows against a cache holding 10 k pods behind 1 k
 * Services in 100 namespaces, and measures, in the same run, encoding the same flows with the
 * wire codec (what the publisher does with every flow anyway), so the figure to compare is the
 * ratio. Also reports the heap the cache takes per pod. Command in docs/benchmarks.md.
 *
 * <p>Arguments: {@code [pods=10000] [flows=2000000] [rounds=5] [threads=1]}.
 */
public final class EnrichmentThroughput {

  private EnrichmentThroughput() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int flows = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    AvroClassTrust.install();
    Instant now = Instant.parse("2026-11-26T12:00:00Z");
    Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);

    long before = usedHeap();
    EnrichmentCache cache = new EnrichmentCache(EnrichmentSettings.defaults(), clock);
    List<IpAddress> podIps = populate(cache, pods, now);
    long after = usedHeap();
    System.out.printf("cache: %,d pods, %,d addresses; heap %,d bytes per pod (records, labels, histories, shared strings)%n",
        cache.podCount(), cache.addressCount(), (after - before) / pods);

    long t = now.toEpochMilli();
    for (IpAddress ip : podIps) {
      cache.endpoint(ip, 8080, 6, t, t);
    }
    long memoised = usedHeap();
    System.out.printf("with each pod's Endpoints built (memoised): heap %,d bytes per pod%n", (memoised - before) / pods);

    FlowEnricher enricher = new FlowEnricher(cache);
    FlowEvent[] batch = flows(podIps, flows, now);
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    for (FlowEvent f : batch) {
      enricher.enrich(f);
    }
    System.out.printf("pod endpoints: %.1f%% of endpoints%n", 100.0 * enricher.podEndpoints() / (2.0 * enricher.flows()));

    for (int r = 0; r < rounds; r++) {
      double enrich = measure(batch, threads, f -> {
        f.setSource(null);
        f.setDestination(null);
        enricher.enrich(f);
      });
      double encode = measure(batch, threads, f -> codec.encode(f));
      System.out.printf("round %d (%d thread%s): enrich %,.0f flows/s, wire-encode %,.0f flows/s, enrich/encode %.1f%n", r + 1,
          threads, threads == 1 ? "" : "s", enrich, encode, enrich / encode);
    }
  }

  private interface FlowAction {
    void apply(FlowEvent flow);
  }

  private static double measure(FlowEvent[] batch, int threads, FlowAction action) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(threads);
    AtomicLong sink = new AtomicLong();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int from = t * batch.length / threads;
      int to = (t + 1) * batch.length / threads;
      Thread thread = new Thread(() -> {
        for (int i = from; i < to; i++) {
          action.apply(batch[i]);
        }
        sink.addAndGet(to - from);
        done.countDown();
      });
      thread.start();
    }
    done.await();
    return sink.get() / ((System.nanoTime() - start) / 1e9);
  }

  /** 100 namespaces × 10 Deployments × 10 pods; one Service per Deployment on its named port. */
  private static List<IpAddress> populate(EnrichmentCache cache, int pods, Instant now) {
    List<IpAddress> ips = new ArrayList<>(pods);
    int perWorkload = 10;
    int workloads = Math.max(1, pods / perWorkload);
    for (int w = 0; w < workloads; w++) {
      String namespace = "team-" + (w % 100);
      String workload = "svc-" + w;
      String hash = Integer.toHexString(0x5d00 + w);
      cache.upsertService(new ServiceRecord(namespace, workload, List.of(IpAddress.ofIpv4(0x0A60_0000 + w)),
          List.of(new ServiceRecord.Port("http", 80, 6, -1, "http")), Map.of("app", workload), "1"));
      cache.upsertOwner("ReplicaSet", namespace, workload + "-" + hash, new OwnerRef("Deployment", workload));
      for (int p = 0; p < perWorkload; p++) {
        int n = w * perWorkload + p;
        IpAddress ip = IpAddress.ofIpv4(0x0AF4_0000 + n);
        ips.add(ip);
        cache.upsertPod(new PodRecord("uid-" + n, namespace, workload + "-" + hash + "-" + p,
            Map.of("app", workload, "pod-template-hash", hash, "version", "v" + (w % 3)), "node-" + (n % 40), false,
            List.of(new NamedPort("http", 8080, 6), new NamedPort("metrics", 9090, 6)), List.of(ip),
            List.of(IpAddress.ofIpv4(0xC0A8_0000 + n % 40)), new OwnerRef("ReplicaSet", workload + "-" + hash), hash,
            now.minusSeconds(3600).toEpochMilli(), PodRecord.OPEN, "1"));
      }
    }
    return ips;
  }

  /** Pod to pod on the server's port (request and reply halves), 10% to a public address. */
  private static FlowEvent[] flows(List<IpAddress> ips, int count, Instant now) {
    SplittableRandom random = new SplittableRandom(42);
    FlowEvent[] out = new FlowEvent[count];
    for (int i = 0; i < count; i++) {
      IpAddress client = ips.get(random.nextInt(ips.size()));
      boolean external = random.nextInt(10) == 0;
      IpAddress server = external ? IpAddress.parse("93.184.216." + random.nextInt(256)) : ips.get(random.nextInt(ips.size()));
      int clientPort = 32768 + random.nextInt(28000);
      int serverPort = external ? 443 : 8080;
      boolean reply = random.nextBoolean();
      Instant end = now.minusMillis(random.nextInt(30_000));
      out[i] = FlowEvent.newBuilder().setFlowStart(end.minusMillis(500)).setFlowEnd(end).setNode("node-1").setIpVersion(4)
          .setSrcAddr(bytes(reply ? server : client)).setDstAddr(bytes(reply ? client : server))
          .setSrcPort(reply ? serverPort : clientPort).setDstPort(reply ? clientPort : serverPort).setProtocol(6)
          .setBytes(1500).setPackets(3).build();
    }
    return out;
  }

  private static ByteBuffer bytes(IpAddress a) {
    return ByteBuffer.wrap(ByteBuffer.allocate(4).putInt((int) a.low()).array());
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
