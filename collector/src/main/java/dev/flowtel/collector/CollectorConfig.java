package dev.flowtel.collector;

import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.enrich.DnsAnswerCache;
import dev.flowtel.collector.enrich.EnrichmentOptions;
import dev.flowtel.collector.publish.ProducerSettings;
import dev.flowtel.collector.publish.PublisherSettings;
import dev.flowtel.collector.spool.SpoolSettings;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.core.source.SyntheticSettings;
import dev.flowtel.wire.FlowtelTopics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Every option of the collector, its default and its meaning, in one place: {@code --help}, the
 * README ("Running") and the DaemonSet manifest use these names. Build with {@link #parse}; the
 * typed settings of each part come from the {@code ...Settings()} methods, which name the option
 * in their errors.
 */
@Command(name = "flowtel-collector", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    usageHelpWidth = 120,
    description = {"The Flowtel node agent: captures flows (eBPF on the node, the simulator, or Cilium Hubble's export)",
        "and publishes them to Kafka as Avro FlowEvents, spooling to disk while the broker is away."})
public final class CollectorConfig {

  /** Where flows come from. */
  public sealed interface SourceSpec {
    record Ebpf() implements SourceSpec {}

    record Synthetic() implements SourceSpec {}

    /** {@code file} is a path, or "-" for stdin. */
    record Hubble(String file) implements SourceSpec {}
  }

  // ---- source

  @Option(names = "--source", defaultValue = "ebpf", paramLabel = "ebpf|synthetic|hubble:<file|->",
      description = "Where flows come from: ebpf (TC programs on this node's pod interfaces), synthetic (the simulator, "
          + "with its cluster state), or hubble:<file> / hubble:- (Cilium Hubble JSON lines from a file or stdin).")
  String source;

  @Option(names = "--node-name", description = "Node name written into every flow. Default: $NODE_NAME, else the host name.")
  String nodeName;

  // ---- Kafka

  @CommandLine.Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--topic", defaultValue = FlowtelTopics.FLOWS, description = "Topic of FlowEvents.")
  String topic;

  @Option(names = "--cluster-state-topic", defaultValue = FlowtelTopics.CLUSTER_STATE,
      description = "Topic of ClusterState records (only the synthetic source models the cluster).")
  String clusterStateTopic;

  @Option(names = "--dns-topic", defaultValue = FlowtelTopics.DNS,
      description = "Topic of DnsTransactions (ebpf: one record per DNS query this node saw, keyed by the client's namespace/workload).")
  String dnsTopic;

  @Option(names = "--compression", defaultValue = ProducerSettings.DEFAULT_COMPRESSION, paramLabel = "zstd|lz4|gzip|snappy|none",
      description = "Producer compression (see collector/README.md, Publisher, for the measurement behind the default).")
  String compression;

  // ---- publisher and spool

  @Option(names = "--spool-dir", defaultValue = "/var/lib/flowtel/spool",
      description = "Directory of the on-disk spool that holds flows while the broker is away; keep it across restarts (a hostPath).")
  Path spoolDir;

  @Option(names = "--spool-max-bytes", defaultValue = "1g", converter = SizeOption.class,
      description = "Largest size of the spool; when full, the OLDEST segment is dropped and counted (flowtel_collector_spool_dropped_segments_total).")
  long spoolMaxBytes;

  @Option(names = "--spool-segment-bytes", defaultValue = "64m", converter = SizeOption.class,
      description = "Size of one spool segment file, the unit of dropping. At most half of --spool-max-bytes.")
  long spoolSegmentBytes;

  @Option(names = "--spool-fsync-interval", defaultValue = "1s", converter = DurationOption.class,
      description = "Spooled records are fsynced at most this long after they were written (0: on every write). A process crash loses nothing; a power loss up to this much.")
  Duration spoolFsyncInterval;

  @Option(names = "--publisher-queue", defaultValue = "65536",
      description = "Records the hand-off queue between the source and the publisher thread holds.")
  int publisherQueue;

  @Option(names = "--handoff-timeout", defaultValue = "200ms", converter = DurationOption.class,
      description = "Longest a source thread waits for room in that queue; a record that still finds it full is dropped and counted.")
  Duration handoffTimeout;

  @Option(names = "--max-in-flight", defaultValue = "50000",
      description = "Unacknowledged records in the producer at which new records go to the spool instead (the producer is not keeping up).")
  int maxInFlight;

  @Option(names = "--spill-after", defaultValue = "5s", converter = DurationOption.class,
      description = "When the oldest unacknowledged record is this old, new records go to the spool.")
  Duration spillAfter;

  @Option(names = "--shutdown-timeout", defaultValue = "10s", converter = DurationOption.class,
      description = "On shutdown, how long to wait for the broker to acknowledge what is in flight before spooling it.")
  Duration shutdownTimeout;

  // ---- metrics

  @Option(names = "--metrics-port", defaultValue = "9464",
      description = "Port of the Prometheus endpoint (GET /metrics); 0 picks a free port, -1 serves none.")
  int metricsPort;

  // ---- synthetic source

  @Option(names = "--synthetic-rate", defaultValue = "1000",
      description = "synthetic: flows per second, in wall-clock time and in event time (event time starts now).")
  long syntheticRate;

  @Option(names = "--synthetic-seed", defaultValue = "42", description = "synthetic: seed of the simulated cluster and traffic.")
  long syntheticSeed;

  @Option(names = "--synthetic-max-flows", defaultValue = "0", description = "synthetic: stop after this many flows; 0 runs for --synthetic-duration.")
  long syntheticMaxFlows;

  @Option(names = "--synthetic-duration", defaultValue = "24h", converter = DurationOption.class,
      description = "synthetic: event time to simulate.")
  Duration syntheticDuration;

  // ---- ebpf capture (mapped onto CaptureSettings)

  @Option(names = "--pod-interfaces", defaultValue = "(veth|cali|lxc|eni|azv|gke)[0-9a-zA-Z_.@-]*",
      description = "ebpf: regular expression of the host-side pod interfaces to attach to (common CNIs).")
  String podInterfaces;

  @Option(names = "--uplinks", split = ",", defaultValue = "",
      description = "ebpf: the node's uplink interfaces to attach to as well, comma-separated. Default: none (with masquerading, pod flows would count twice).")
  List<String> uplinks;

  @Option(names = "--netns", description = "ebpf: network namespace to attach in (a /var/run/netns path). Default: the collector's own (the host's in the DaemonSet).")
  Path netns;

  @Option(names = "--attach-mode", defaultValue = "AUTO", paramLabel = "AUTO|TCX|CLSACT",
      description = "ebpf: TCX links, legacy clsact filters, or AUTO (TCX where the kernel has it).")
  CaptureSettings.AttachMode attachMode;

  @Option(names = "--active-timeout", defaultValue = "5s", converter = DurationOption.class,
      description = "ebpf: a flow still active is exported at least this often.")
  Duration activeTimeout;

  @Option(names = "--idle-timeout", defaultValue = "2s", converter = DurationOption.class,
      description = "ebpf: a flow without packets this long is exported.")
  Duration idleTimeout;

  @Option(names = "--drain-interval", defaultValue = "1s", converter = DurationOption.class,
      description = "ebpf: how often the kernel flow table is flipped and drained (at most the idle and active timeouts).")
  Duration drainInterval;

  @Option(names = "--table-capacity", defaultValue = "65536", description = "ebpf: entries of each of the two kernel flow tables.")
  int tableCapacity;

  @Option(names = "--flow-cache-slots", defaultValue = "512",
      description = "ebpf: slots per CPU of the kernel's per-CPU flow cache, a power of two (0: none; each CPU holds 2 x slots x 104 bytes).")
  int flowCacheSlots;

  @Option(names = "--tcx-position", defaultValue = "HEAD", paramLabel = "HEAD|TAIL",
      description = "ebpf, TCX: where our programs join each hook's chain. HEAD runs before the CNI's programs, so a verdict of "
          + "theirs cannot hide packets from the capture; TAIL runs after them (the log then warns about each one ahead of ours).")
  CaptureSettings.TcxPosition tcxPosition;

  @Option(names = "--dns", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "ebpf: read DNS in the kernel (dns.h): every packet to or from a --dns-ports port becomes part of a "
          + "DnsTransaction on --dns-topic, and external flow ends are named from the answers. Other packets pay two port compares.")
  boolean dns;

  @Option(names = "--dns-ports", split = ",", defaultValue = "53", paramLabel = "PORT[,PORT...]",
      description = "ebpf: UDP and TCP ports whose packets are read as DNS, 1 to 4 of them.")
  List<Integer> dnsPorts;

  @Option(names = "--dns-timeout", defaultValue = "5s", converter = DurationOption.class,
      description = "ebpf: a query without a response for this long is published unanswered (responseCode null).")
  Duration dnsTimeout;

  @Option(names = "--dns-cache-entries", defaultValue = "" + DnsAnswerCache.DEFAULT_MAX_ENTRIES,
      description = "ebpf: addresses the DNS answer cache names at most (external flow ends take destination.domain from it); "
          + "past that, expired answers, then those expiring soonest, are dropped (flowtel_collector_dns_cache_evictions_total).")
  int dnsCacheEntries;

  @Option(names = "--dns-min-ttl", defaultValue = "30s", converter = DurationOption.class,
      description = "ebpf: an answer names its addresses at least this long whatever its TTL, so a TTL-0 answer still names the "
          + "connection that follows it; a flow near the end extends it by as much, so a long-lived connection keeps its name.")
  Duration dnsMinTtl;

  @Option(names = "--dns-max-ttl", defaultValue = "1h", converter = DurationOption.class,
      description = "ebpf: an answer names its addresses at most this long whatever its TTL (addresses move between names).")
  Duration dnsMaxTtl;

  @Option(names = "--rtt", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "ebpf: measure TCP smoothed RTT per connection (tcp_probe tracepoint).")
  boolean rtt;

  @Option(names = "--drops", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "ebpf: report kernel packet drops with their reason (kfree_skb tracepoint).")
  boolean drops;

  // ---- enrichment (ebpf only: the simulator and Hubble name their endpoints themselves)

  @CommandLine.Mixin
  EnrichmentOptions enrichment = new EnrichmentOptions();

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static CollectorConfig parse(String... args) {
    CollectorConfig config = new CollectorConfig();
    new CommandLine(config).parseArgs(args);
    config.sourceSpec(); // fail early on a bad --source
    return config;
  }

  public SourceSpec sourceSpec() {
    String s = source.trim();
    if (s.equals("ebpf")) {
      return new SourceSpec.Ebpf();
    }
    if (s.equals("synthetic")) {
      return new SourceSpec.Synthetic();
    }
    if (s.startsWith("hubble:") && s.length() > "hubble:".length()) {
      return new SourceSpec.Hubble(s.substring("hubble:".length()));
    }
    throw new IllegalArgumentException("--source " + source + ": expected ebpf, synthetic, hubble:<file> or hubble:- (stdin)");
  }

  public String nodeName() {
    if (nodeName != null && !nodeName.isBlank()) {
      return nodeName;
    }
    String env = System.getenv("NODE_NAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  public Map<String, Object> producerConfig() {
    String c = compression.toLowerCase(Locale.ROOT);
    if (!Set.of("zstd", "lz4", "gzip", "snappy", "none").contains(c)) {
      throw new IllegalArgumentException("--compression " + compression + ": expected zstd, lz4, gzip, snappy or none");
    }
    return ProducerSettings.forPublisher(kafka.settings(), c);
  }

  public PublisherSettings publisherSettings() {
    return PublisherSettings.defaults().withTopics(topic, clusterStateTopic).withDnsTopic(dnsTopic)
        .withQueue(publisherQueue, handoffTimeout).withSpillThresholds(maxInFlight, spillAfter).withShutdownTimeout(shutdownTimeout);
  }

  public SpoolSettings spoolSettings() {
    return new SpoolSettings(spoolDir, spoolMaxBytes, spoolSegmentBytes, spoolFsyncInterval);
  }

  public int metricsPort() {
    return metricsPort;
  }

  /** What --source synthetic asks of the simulator: paced at --synthetic-rate, event time from now. */
  public SyntheticSettings syntheticSettings() {
    return new SyntheticSettings(syntheticRate, syntheticSeed, syntheticMaxFlows, syntheticDuration,
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  public CaptureSettings captureSettings() {
    Pattern pattern;
    try {
      pattern = Pattern.compile(podInterfaces);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("--pod-interfaces " + podInterfaces + ": not a regular expression: " + e.getDescription());
    }
    List<String> links = uplinks.stream().map(String::trim).filter(u -> !u.isEmpty()).toList();
    if (!CaptureSettings.isValidFlowCacheSlots(flowCacheSlots)) {
      throw new IllegalArgumentException("--flow-cache-slots " + flowCacheSlots + ": give 0 (no cache) or a power of two up to "
          + CaptureSettings.MAX_FLOW_CACHE_SLOTS);
    }
    CaptureSettings d = CaptureSettings.defaults(nodeName());
    return new CaptureSettings(d.nodeName(), pattern, links, netns, attachMode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, d.earlyDrainFill(), d.interfacePollInterval(), rtt, drops, d.announceNewFlows(), flowCacheSlots, tcxPosition)
        .withDns(dns, dnsPorts, dnsTimeout);
  }

  /** The DNS answer cache behind destination.domain (--dns-cache-entries, --dns-min-ttl, --dns-max-ttl). */
  public DnsAnswerCache dnsAnswerCache(Clock clock) {
    if (dnsCacheEntries < 1) {
      throw new IllegalArgumentException("--dns-cache-entries " + dnsCacheEntries + ": give at least 1");
    }
    if (dnsMaxTtl.compareTo(dnsMinTtl) < 0) {
      throw new IllegalArgumentException("--dns-max-ttl " + dnsMaxTtl + " is below --dns-min-ttl " + dnsMinTtl + ": give a maximum at least the minimum");
    }
    return new DnsAnswerCache(dnsCacheEntries, dnsMinTtl, dnsMaxTtl, clock);
  }

  /** The Kubernetes enrichment options (applied to --source ebpf). */
  public EnrichmentOptions enrichment() {
    return enrichment;
  }

  /** Sizes as bytes or with k, m, g (binary: 1k = 1024). */
  public static final class SizeOption implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgKMG]?)[iI]?[bB]?");

    @Override
    public Long convert(String value) {
      Matcher m = SIZE.matcher(value.trim());
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a size: give bytes or a number with k, m or g, e.g. 64m");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "k" -> n << 10;
        case "m" -> n << 20;
        case "g" -> n << 30;
        default -> n;
      };
    }
  }

}
