package dev.flowtel.core.anomaly;

import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.flow.FlowSampleView;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.AnomalyType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The IP-sweep keying of the {@link DistinctTargetsDetector} (IP_SWEEP): attempts grouped by port,
 * counting its distinct destination addresses against {@code sweepMinHosts}; and the state it keeps.
 * The class keeps the name it had while it was a detector of its own: savepoints (Kryo) and Kafka
 * Streams changelogs (Java serialization) record {@code IpSweepDetector$State}, and the changelogs
 * {@code IpSweepDetector$PortTargets}, with these fields.
 */
final class IpSweepDetector
    implements DistinctTargetsDetector.Keying<Integer, IpAddress, IpSweepDetector.PortTargets, IpSweepDetector.State> {

  private static final long serialVersionUID = 1L;

  /** Attempts on one port in one window. */
  static final class PortTargets implements DistinctTargetsDetector.Attempts<IpAddress> {
    private static final long serialVersionUID = 1L;
    final HashSet<IpAddress> hosts = new HashSet<>();
    final HashSet<IpAddress> answeredHosts = new HashSet<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    String clientAddress;
    final ArrayList<FlowSampleView> samples = new ArrayList<>();

    @Override
    public Set<IpAddress> targets() {
      return hosts;
    }

    @Override
    public Set<IpAddress> answered() {
      return answeredHosts;
    }

    @Override
    public List<FlowSampleView> samples() {
      return samples;
    }

    @Override
    public long first() {
      return first;
    }

    @Override
    public long last() {
      return last;
    }

    @Override
    public void attemptedAt(long t) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
  }

  /** Open windows and open anomalies of one client address. */
  public static final class State implements DistinctTargetsDetector.Windows<Integer, PortTargets> {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, HashMap<Integer, PortTargets>> windows = new TreeMap<>();
    long closedUntil = Long.MIN_VALUE;
    EdgeEnd client;
    final AnomalyTracker tracker = new AnomalyTracker();

    @Override
    public TreeMap<Long, HashMap<Integer, PortTargets>> windows() {
      return windows;
    }

    @Override
    public long closedUntil() {
      return closedUntil;
    }

    @Override
    public void closeUntil(long end) {
      closedUntil = end;
    }

    @Override
    public EdgeEnd client() {
      return client;
    }

    @Override
    public void seenFrom(EdgeEnd client) {
      this.client = client;
    }

    @Override
    public AnomalyTracker tracker() {
      return tracker;
    }
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.IP_SWEEP;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public PortTargets newAttempts() {
    return new PortTargets();
  }

  @Override
  public Integer group(ObservedFlow flow) {
    return flow.serverPort();
  }

  @Override
  public IpAddress target(ObservedFlow flow) {
    return flow.serverIp();
  }

  @Override
  public Comparator<Integer> order() {
    return Comparator.naturalOrder();
  }

  @Override
  public int minTargets(DetectionConfig config) {
    return config.sweepMinHosts();
  }

  @Override
  public void remember(PortTargets targets, ObservedFlow flow) {
    targets.clientAddress = flow.clientIp().toString();
  }

  /** {@code client>*:port/6}. */
  @Override
  public String key(Integer port, PortTargets targets) {
    return targets.clientAddress + ">*:" + port + "/6";
  }

  @Override
  public EdgeEnd destination(PortTargets targets) {
    return null;
  }

  @Override
  public Integer destinationPort(Integer port) {
    return port;
  }

  @Override
  public String targetsName() {
    return "Hosts";
  }
}
