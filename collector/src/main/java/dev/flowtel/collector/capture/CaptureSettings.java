package dev.flowtel.collector.capture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every knob of the eBPF capture with its default; the collector's command line maps its options
 * onto this record (see collector/README.md, "Capture").
 *
 * @param nodeName            the node written into every FlowEvent (default: the host name)
 * @param podInterfaces       host-side pod veths to attach to (default {@link #DEFAULT_POD_INTERFACES})
 * @param uplinks             names of the node's uplinks to attach to as well (default none: with
 *                            masquerading, a pod's flow would be counted again under the node address)
 * @param namespace           network namespace to attach in, e.g. /var/run/netns/x (default null: the
 *                            agent's own, which on a node is the host network)
 * @param attachMode          TCX links, legacy clsact filters, or AUTO: TCX where the kernel has it
 * @param activeTimeout       a flow still active is exported at least this often (default 5 s)
 * @param idleTimeout         a flow without packets for this long is exported (default 2 s)
 * @param drainInterval       how often the kernel table is flipped and drained (default 1 s)
 * @param tableCapacity       entries of each of the two kernel flow tables (default 65536)
 * @param earlyDrainFill      drain before drainInterval when the active table is this full (default 0.8)
 * @param interfacePollInterval how often new and vanished interfaces are looked for (default 1 s)
 * @param enableRtt           TCP smoothed RTT per connection (tp_btf tcp_probe; default off)
 * @param enableDrops         kernel drops with their reason (tp_btf kfree_skb; default off)
 * @param announceNewFlows    new flows on the ring buffer, for the flows/s metric (default on)
 * @param flowCacheSlots      slots per CPU and half of the kernel's per-CPU flow cache, a power of two
 *                            (default {@link #DEFAULT_FLOW_CACHE_SLOTS}; 0: every packet takes the
 *                            flow-table path). Each CPU holds 2 x slots x 104 bytes.
 * @param tcxPosition         where on a hook's TCX chain our links go: HEAD (default), before every
 *                            program there, so a CNI program that ends processing with a verdict
 *                            cannot hide packets from us; TAIL, after them (we then see only what
 *                            they let through, and the attacher warns about each one ahead of us)
 * @param dnsEnabled          DNS transactions from the TC programs (dns.h; default on: the kernel then inspects only
 *                            packets to or from a DNS port, so other traffic pays two port compares, and DNS names,
 *                            codes and latencies are what operators ask the capture for first; see collector/README.md, "DNS")
 * @param dnsPorts            UDP and TCP ports whose packets are read as DNS, 1 to {@link #MAX_DNS_PORTS} of them
 *                            (default 53)
 * @param dnsTimeout          a query without a response for this long is reported unanswered (default 5 s)
 */
public record CaptureSettings(
    String nodeName,
    Pattern podInterfaces,
    List<String> uplinks,
    Path namespace,
    AttachMode attachMode,
    Duration activeTimeout,
    Duration idleTimeout,
    Duration drainInterval,
    int tableCapacity,
    double earlyDrainFill,
    Duration interfacePollInterval,
    boolean enableRtt,
    boolean enableDrops,
    boolean announceNewFlows,
    int flowCacheSlots,
    TcxPosition tcxPosition,
    boolean dnsEnabled,
    List<Integer> dnsPorts,
    Duration dnsTimeout) {

  /** 512 slots per half: 104 KiB per CPU, room for the flows one CPU carries in a drain interval. */
  public static final int DEFAULT_FLOW_CACHE_SLOTS = 512;
  /** The most slots per half the program accepts (flowtel.bpf.c indexes a per-CPU array with them). */
  public static final int MAX_FLOW_CACHE_SLOTS = 65536;

  /** The most DNS ports the programs compare (flowtel.h DNS_MAX_PORTS). */
  public static final int MAX_DNS_PORTS = 4;
  public static final List<Integer> DEFAULT_DNS_PORTS = List.of(53);
  public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(5);

  /** Host-side veth names of the common CNIs: plain veth, Calico, Cilium, AWS VPC CNI, Azure, GKE. */
  public static final Pattern DEFAULT_POD_INTERFACES = Pattern.compile("(veth|cali|lxc|eni|azv|gke)[0-9a-zA-Z_.@-]*");

  /** How programs are attached. */
  public enum AttachMode {
    AUTO, TCX, CLSACT
  }

  /** Where on a TCX chain our programs go. */
  public enum TcxPosition {
    HEAD, TAIL
  }

  /** All settings but the TCX position, which is {@link TcxPosition#HEAD}. */
  public CaptureSettings(String nodeName, Pattern podInterfaces, List<String> uplinks, Path namespace, AttachMode attachMode,
      Duration activeTimeout, Duration idleTimeout, Duration drainInterval, int tableCapacity, double earlyDrainFill,
      Duration interfacePollInterval, boolean enableRtt, boolean enableDrops, boolean announceNewFlows, int flowCacheSlots) {
    this(nodeName, podInterfaces, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval, tableCapacity,
        earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, TcxPosition.HEAD);
  }

  /** All settings but DNS, which is on, on port 53, with the default timeout. */
  public CaptureSettings(String nodeName, Pattern podInterfaces, List<String> uplinks, Path namespace, AttachMode attachMode,
      Duration activeTimeout, Duration idleTimeout, Duration drainInterval, int tableCapacity, double earlyDrainFill,
      Duration interfacePollInterval, boolean enableRtt, boolean enableDrops, boolean announceNewFlows, int flowCacheSlots,
      TcxPosition tcxPosition) {
    this(nodeName, podInterfaces, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval, tableCapacity,
        earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, tcxPosition, true,
        DEFAULT_DNS_PORTS, DEFAULT_DNS_TIMEOUT);
  }

  public CaptureSettings {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(podInterfaces, "podInterfaces");
    uplinks = List.copyOf(uplinks);
    Objects.requireNonNull(attachMode, "attachMode");
    Objects.requireNonNull(tcxPosition, "tcxPosition");
    if (activeTimeout.isNegative() || activeTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("capture timeouts must be positive: active " + activeTimeout + ", idle " + idleTimeout);
    }
    if (drainInterval.compareTo(idleTimeout) > 0 || drainInterval.compareTo(activeTimeout) > 0) {
      throw new IllegalArgumentException("the drain interval (" + drainInterval + ") must not exceed the idle (" + idleTimeout
          + ") or active (" + activeTimeout + ") timeout: flows could only leave later than promised");
    }
    if (tableCapacity < 64) {
      throw new IllegalArgumentException("table capacity " + tableCapacity + " is too small: at least 64 entries");
    }
    if (!isValidFlowCacheSlots(flowCacheSlots)) {
      throw new IllegalArgumentException("flow cache slots " + flowCacheSlots + " must be 0 (no cache) or a power of two up to "
          + MAX_FLOW_CACHE_SLOTS);
    }
    dnsPorts = List.copyOf(dnsPorts);
    if (dnsPorts.isEmpty() || dnsPorts.size() > MAX_DNS_PORTS || dnsPorts.stream().anyMatch(p -> p < 1 || p > 65535)) {
      throw new IllegalArgumentException("DNS ports " + dnsPorts + ": give 1 to " + MAX_DNS_PORTS + " ports in 1-65535");
    }
    if (dnsTimeout.isNegative() || dnsTimeout.isZero()) {
      throw new IllegalArgumentException("the DNS timeout must be positive: " + dnsTimeout);
    }
    if (!(earlyDrainFill > 0 && earlyDrainFill <= 1)) {
      throw new IllegalArgumentException("early drain fill " + earlyDrainFill + " must be in (0, 1]");
    }
  }

  /** 0, or a power of two up to {@link #MAX_FLOW_CACHE_SLOTS}. */
  public static boolean isValidFlowCacheSlots(int slots) {
    return slots >= 0 && slots <= MAX_FLOW_CACHE_SLOTS && Integer.bitCount(slots) <= 1;
  }

  /** The defaults, for {@code nodeName}. */
  public static CaptureSettings defaults(String nodeName) {
    return new CaptureSettings(nodeName, DEFAULT_POD_INTERFACES, List.of(), null, AttachMode.AUTO, Duration.ofSeconds(5),
        Duration.ofSeconds(2), Duration.ofSeconds(1), 65536, 0.8, Duration.ofSeconds(1), false, false, true,
        DEFAULT_FLOW_CACHE_SLOTS, TcxPosition.HEAD, true, DEFAULT_DNS_PORTS, DEFAULT_DNS_TIMEOUT);
  }

  public CaptureSettings withPodInterfaces(Pattern pattern) {
    return new CaptureSettings(nodeName, pattern, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, tcxPosition, dnsEnabled, dnsPorts, dnsTimeout);
  }

  public CaptureSettings withNamespace(Path netns) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, netns, attachMode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, tcxPosition, dnsEnabled, dnsPorts, dnsTimeout);
  }

  public CaptureSettings withAttachMode(AttachMode mode) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, namespace, mode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, tcxPosition, dnsEnabled, dnsPorts, dnsTimeout);
  }

  public CaptureSettings withTimeouts(Duration active, Duration idle, Duration drain) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, namespace, attachMode, active, idle, drain, tableCapacity,
        earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, tcxPosition, dnsEnabled, dnsPorts, dnsTimeout);
  }

  public CaptureSettings withFeatures(boolean rtt, boolean drops) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, earlyDrainFill, interfacePollInterval, rtt, drops, announceNewFlows, flowCacheSlots, tcxPosition, dnsEnabled, dnsPorts, dnsTimeout);
  }

  public CaptureSettings withTableCapacity(int capacity) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval,
        capacity, earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, tcxPosition, dnsEnabled, dnsPorts, dnsTimeout);
  }

  public CaptureSettings withFlowCacheSlots(int slots) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, slots, tcxPosition, dnsEnabled, dnsPorts, dnsTimeout);
  }

  public CaptureSettings withTcxPosition(TcxPosition position) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, position, dnsEnabled, dnsPorts, dnsTimeout);
  }

  /** DNS on or off, on these ports, with this timeout for unanswered queries. */
  public CaptureSettings withDns(boolean enabled, List<Integer> ports, Duration timeout) {
    return new CaptureSettings(nodeName, podInterfaces, uplinks, namespace, attachMode, activeTimeout, idleTimeout, drainInterval,
        tableCapacity, earlyDrainFill, interfacePollInterval, enableRtt, enableDrops, announceNewFlows, flowCacheSlots, tcxPosition,
        enabled, ports, timeout);
  }
}
