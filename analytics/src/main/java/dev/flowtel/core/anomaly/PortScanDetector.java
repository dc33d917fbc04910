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
 * The port-scan keying of the {@link DistinctTargetsDetector} (PORT_SCAN): attempts grouped by
 * destination address, counting its distinct ports against {@code scanMinPorts}; and the state it
 * keeps. The class keeps the name it had while it was a detector of its own: savepoints (Kryo) and
 * Kafka Streams changelogs (Java serialization) record {@code PortScanDetector$State}, and the
 * changelogs {@code PortScanDetector$Target}, with these fields.
 */
final class PortScanDetector
    implements DistinctTargetsDetector.Keying<IpAddress, Integer, PortScanDetector.Target, PortScanDetector.State> {

  private static final long serialVersionUID = 1L;

  /** Attempts on one destination address in one window. */
  static final class Target implements DistinctTargetsDetector.Attempts<Integer> {
    private static final long serialVersionUID = 1L;
    final HashSet<Integer> ports = new HashSet<>();
    final HashSet<Integer> answeredPorts = new HashSet<>();
    EdgeEnd destination;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    final ArrayList<FlowSampleView> samples = new ArrayList<>();

    @Override
    public Set<Integer> targets() {
      return ports;
    }

    @Override
    public Set<Integer> answered() {
      return answeredPorts;
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
  public static final class State implements DistinctTargetsDetector.Windows<IpAddress, Target> {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, HashMap<IpAddress, Target>> windows = new TreeMap<>();
    long closedUntil = Long.MIN_VALUE;
    EdgeEnd client;
    final AnomalyTracker tracker = new AnomalyTracker();

    @Override
    public TreeMap<Long, HashMap<IpAddress, Target>> windows() {
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
    return AnomalyType.PORT_SCAN;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public Target newAttempts() {
    return new Target();
  }

  @Override
  public IpAddress group(ObservedFlow flow) {
    return flow.serverIp();
  }

  @Override
  public Integer target(ObservedFlow flow) {
    return flow.serverPort();
  }

  @Override
  public Comparator<IpAddress> order() {
    return Comparator.comparing(IpAddress::toString);
  }

  @Override
  public int minTargets(DetectionConfig config) {
    return config.scanMinPorts();
  }

  @Override
  public void remember(Target target, ObservedFlow flow) {
    if (target.destination == null) {
      target.destination = flow.server();
    }
  }

  /** {@code client>destination}; the client as the first sample shows it. */
  @Override
  public String key(IpAddress destination, Target target) {
    return (target.samples.isEmpty() ? "?" : target.samples.get(0).srcAddr()) + ">" + destination;
  }

  @Override
  public EdgeEnd destination(Target target) {
    return target.destination;
  }

  @Override
  public Integer destinationPort(IpAddress destination) {
    return null;
  }

  @Override
  public String targetsName() {
    return "Ports";
  }
}
