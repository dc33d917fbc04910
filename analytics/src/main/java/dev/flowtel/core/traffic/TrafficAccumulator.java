package dev.flowtel.core.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.Protocols;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.schema.ServiceTraffic;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import com.tdunning.math.stats.MergingDigest;
import java.util.List;

/**
 * The running totals of one service edge in one window: what every engine keeps in state and
 * merges. Counting rules:
 * <ul>
 *   <li>bytes and packets each way: from counted observations only, request flows towards the
 *       destination, replies towards the source;</li>
 *   <li>flows: distinct connections (client/server 5-tuples), however many export intervals and
 *       directions they appear in within the window;</li>
 *   <li>connections opened: request flows carrying SYN; closed: request flows carrying FIN or RST;
 *       TCP resets: flows of either direction carrying RST;</li>
 *   <li>distinct source pods: exact up to {@value #EXACT_POD_LIMIT}, then an UltraLogLog estimate
 *       (hash4j, precision 12: 4 KiB, about 1.2% standard error), mergeable across windows;</li>
 *   <li>RTT: one sample per request flow that carries one, in a t-digest (compression 100): it
 *       merges across partitions and windows, is most accurate at the tails users read (p99), and
 *       is the algorithm of Elasticsearch's percentiles aggregation, so our figures and Kibana's
 *       agree in kind. Exact while it holds few samples. Samples are buffered and folded into the
 *       digest {@value #RTT_FOLD} at a time, and the digest is kept in its encoded form: a t-digest
 *       changes when it is serialized (serializing compresses it), so keeping the live object would
 *       make the percentiles depend on when an engine happened to serialize its state (Flink at
 *       checkpoints, Kafka Streams on every update). This way they depend on the flows alone.</li>
 *   <li>on the folded edge of failed attempts only ({@link FailedAttempts}): failed attempts are the
 *       distinct connections whose request was one; distinct destination ports and addresses count
 *       those of every flow on the edge (attempts and refusals). Ports are exact; attempts and
 *       addresses exact up to {@value #EXACT_ATTEMPT_LIMIT}, then an UltraLogLog estimate.</li>
 * </ul>
 * Not thread-safe; engines give each key its own instance.
 */
public final class TrafficAccumulator {

  public static final int EXACT_POD_LIMIT = 1024;
  public static final int EXACT_ATTEMPT_LIMIT = 4096;
  /** Above every port number, so port counts never become estimates. */
  private static final int EXACT_PORT_LIMIT = 1 << 16;
  static final int ULL_PRECISION = 12;
  static final double TDIGEST_COMPRESSION = 100;
  static final int RTT_FOLD = 256;
  /** 3 added the failed-attempt counts; 1 and 2 are still read (an edge without attempts). */
  private static final byte FORMAT = 3;

  private ServiceEdge edge;
  private long bytesToDestination;
  private long bytesToSource;
  private long packetsToDestination;
  private long packetsToSource;
  private long connectionsOpened;
  private long connectionsClosed;
  private long tcpResets;
  private long drops;
  private LongHashSet connections = new LongHashSet();
  private LongHashSet pods = new LongHashSet();
  private UltraLogLog podSketch;
  /** The digest of the folded RTT samples, as {@link MergingDigest#asBytes} wrote it; null before the first fold. */
  private byte[] rttDigest;
  private long[] rttSamples = new long[0];
  private int rttCount;
  private DistinctCounter failedAttempts = new DistinctCounter(EXACT_ATTEMPT_LIMIT);
  private DistinctCounter destinationPorts = new DistinctCounter(EXACT_PORT_LIMIT);
  private DistinctCounter destinationAddresses = new DistinctCounter(EXACT_ATTEMPT_LIMIT);

  public ServiceEdge edge() {
    return edge;
  }

  public void add(ClassifiedFlow flow) {
    if (edge == null) {
      edge = flow.edge();
    }
    int flags = flow.tcpFlags();
    boolean tcp = flow.protocol() == Protocols.TCP;
    if (flow.reply()) {
      bytesToSource += flow.bytes();
      packetsToSource += flow.packets();
    } else {
      bytesToDestination += flow.bytes();
      packetsToDestination += flow.packets();
      if (tcp) {
        if ((flags & Protocols.SYN) != 0) {
          connectionsOpened++;
        }
        if ((flags & (Protocols.FIN | Protocols.RST)) != 0) {
          connectionsClosed++;
        }
      }
      if (flow.rttMicros() >= 0) {
        addRtt(flow.rttMicros());
      }
    }
    if (tcp && (flags & Protocols.RST) != 0) {
      tcpResets++;
    }
    drops += flow.drops();
    connections.add(flow.connectionId());
    if (flow.clientPodId() != 0) {
      addPod(flow.clientPodId());
    }
    if (edge.portsFolded()) {
      if (!flow.reply()) {
        failedAttempts.add(flow.attemptId());
      }
      destinationPorts.add(flow.serverPort());
      destinationAddresses.add(flow.serverAddress());
    }
  }

  public void merge(TrafficAccumulator other) {
    if (edge == null) {
      edge = other.edge;
    }
    bytesToDestination += other.bytesToDestination;
    bytesToSource += other.bytesToSource;
    packetsToDestination += other.packetsToDestination;
    packetsToSource += other.packetsToSource;
    connectionsOpened += other.connectionsOpened;
    connectionsClosed += other.connectionsClosed;
    tcpResets += other.tcpResets;
    drops += other.drops;
    for (long id : other.connections.toArray()) {
      connections.add(id);
    }
    if (other.podSketch != null) {
      podSketch = podSketch().add(other.podSketch);
      pods = null;
    } else {
      for (long id : other.pods.toArray()) {
        addPod(id);
      }
    }
    if (other.rttDigest != null) {
      MergingDigest merged = rttDigest == null ? new MergingDigest(TDIGEST_COMPRESSION) : MergingDigest.fromBytes(ByteBuffer.wrap(rttDigest));
      merged.add(List.of(MergingDigest.fromBytes(ByteBuffer.wrap(other.rttDigest))));
      rttDigest = digestBytes(merged);
    }
    for (int i = 0; i < other.rttCount; i++) {
      addRtt(other.rttSamples[i]);
    }
    failedAttempts.addAll(other.failedAttempts);
    destinationPorts.addAll(other.destinationPorts);
    destinationAddresses.addAll(other.destinationAddresses);
  }

  public long flows() {
    return connections.size();
  }

  public long distinctSourcePods() {
    return podSketch != null ? Math.round(podSketch.getDistinctCountEstimate()) : pods.size();
  }

  /** The window's record; {@code revision} 0 for the first emission, higher for updates after late data. */
  public ServiceTraffic toServiceTraffic(long windowStartMillis, long windowEndMillis, int revision) {
    MergingDigest rtt = rttDigest();
    boolean hasRtt = rtt != null && rtt.size() > 0;
    return ServiceTraffic.newBuilder()
        .setWindowStart(Instant.ofEpochMilli(windowStartMillis))
        .setWindowEnd(Instant.ofEpochMilli(windowEndMillis))
        .setSource(edge.source().toAvro())
        .setDestination(edge.destination().toAvro())
        .setDestinationPort(edge.portsFolded() ? 0 : edge.destinationPort())
        .setProtocol(edge.protocol())
        .setBytesToDestination(bytesToDestination)
        .setBytesToSource(bytesToSource)
        .setPacketsToDestination(packetsToDestination)
        .setPacketsToSource(packetsToSource)
        .setFlows(flows())
        .setConnectionsOpened(connectionsOpened)
        .setConnectionsClosed(connectionsClosed)
        .setDistinctSourcePods(distinctSourcePods())
        .setSourcePodsSketch(ByteBuffer.wrap(podSketch().getState()))
        .setTcpResets(tcpResets)
        .setDrops(drops)
        .setRttP50Micros(hasRtt ? Math.round(rtt.quantile(0.50)) : null)
        .setRttP90Micros(hasRtt ? Math.round(rtt.quantile(0.90)) : null)
        .setRttP99Micros(hasRtt ? Math.round(rtt.quantile(0.99)) : null)
        .setRttSketch(hasRtt ? ByteBuffer.wrap(digestBytes(rtt)) : null)
        .setRevision(revision)
        .setPortsFolded(edge.portsFolded())
        .setFailedAttempts(failedAttempts.count())
        .setDistinctDestinationPorts(destinationPorts.count())
        .setDistinctDestinationAddresses(destinationAddresses.count())
        .build();
  }

  private void addPod(long id) {
    if (pods != null) {
      pods.add(id);
      if (pods.size() > EXACT_POD_LIMIT) {
        podSketch = podSketch();
        pods = null;
      }
    } else {
      podSketch.add(id);
    }
  }

  /** The pod sketch, built from the exact set when there is none yet (the set is kept). */
  private UltraLogLog podSketch() {
    if (podSketch != null) {
      return podSketch;
    }
    UltraLogLog sketch = UltraLogLog.create(ULL_PRECISION);
    for (long id : pods.toArray()) {
      sketch.add(id);
    }
    return sketch;
  }

  private void addRtt(long micros) {
    if (rttCount == rttSamples.length) {
      if (rttCount == RTT_FOLD) {
        MergingDigest folded = rttDigest == null ? new MergingDigest(TDIGEST_COMPRESSION)
            : MergingDigest.fromBytes(ByteBuffer.wrap(rttDigest));
        for (int i = 0; i < rttCount; i++) {
          folded.add(rttSamples[i]);
        }
        rttDigest = digestBytes(folded);
        rttCount = 0;
      } else {
        rttSamples = java.util.Arrays.copyOf(rttSamples, Math.min(RTT_FOLD, Math.max(4, rttCount * 2)));
      }
    }
    rttSamples[rttCount++] = micros;
  }

  /** A fresh digest of every RTT sample (the folded digest, then the buffered samples in order), or null when none. */
  private MergingDigest rttDigest() {
    if (rttDigest == null && rttCount == 0) {
      return null;
    }
    MergingDigest digest = rttDigest == null ? new MergingDigest(TDIGEST_COMPRESSION)
        : MergingDigest.fromBytes(ByteBuffer.wrap(rttDigest));
    for (int i = 0; i < rttCount; i++) {
      digest.add(rttSamples[i]);
    }
    return digest;
  }

  private static byte[] digestBytes(MergingDigest digest) {
    ByteBuffer buffer = ByteBuffer.allocate(digest.byteSize());
    digest.asBytes(buffer);
    return buffer.array();
  }

  /** A compact binary form for engine state (Flink state, Kafka Streams stores). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    out.writeBoolean(edge != null);
    if (edge != null) {
      writeEnd(out, edge.source());
      writeEnd(out, edge.destination());
      out.writeInt(edge.destinationPort());
      out.writeInt(edge.protocol());
    }
    for (long v : new long[] {bytesToDestination, bytesToSource, packetsToDestination, packetsToSource,
        connectionsOpened, connectionsClosed, tcpResets, drops}) {
      out.writeLong(v);
    }
    writeIds(out, connections);
    out.writeBoolean(podSketch != null);
    if (podSketch != null) {
      writeBytes(out, podSketch.getState());
    } else {
      writeIds(out, pods);
    }
    out.writeBoolean(rttDigest != null);
    if (rttDigest != null) {
      writeBytes(out, rttDigest);
    }
    out.writeInt(rttCount);
    for (int i = 0; i < rttCount; i++) {
      out.writeLong(rttSamples[i]);
    }
    failedAttempts.writeTo(out);
    destinationPorts.writeTo(out);
    destinationAddresses.writeTo(out);
  }

  public static TrafficAccumulator readFrom(DataInput in) throws IOException {
    byte format = in.readByte();
    if (format < 1 || format > FORMAT) {
      throw new IOException("unknown TrafficAccumulator state format " + format);
    }
    TrafficAccumulator acc = new TrafficAccumulator();
    if (in.readBoolean()) {
      acc.edge = new ServiceEdge(readEnd(in), readEnd(in), in.readInt(), in.readInt());
    }
    acc.bytesToDestination = in.readLong();
    acc.bytesToSource = in.readLong();
    acc.packetsToDestination = in.readLong();
    acc.packetsToSource = in.readLong();
    acc.connectionsOpened = in.readLong();
    acc.connectionsClosed = in.readLong();
    acc.tcpResets = in.readLong();
    acc.drops = in.readLong();
    acc.connections = readIds(in);
    if (in.readBoolean()) {
      acc.podSketch = UltraLogLog.wrap(readBytes(in));
      acc.pods = null;
    } else {
      acc.pods = readIds(in);
    }
    if (in.readBoolean()) {
      // Format 1 kept the digest as MergingDigest.asBytes wrote it, which is the form kept now.
      acc.rttDigest = readBytes(in);
    }
    if (format >= 2) {
      acc.rttCount = in.readInt();
      acc.rttSamples = new long[Math.max(acc.rttCount, 4)];
      for (int i = 0; i < acc.rttCount; i++) {
        acc.rttSamples[i] = in.readLong();
      }
    }
    if (format >= 3) {
      acc.failedAttempts = DistinctCounter.readFrom(in, EXACT_ATTEMPT_LIMIT);
      acc.destinationPorts = DistinctCounter.readFrom(in, EXACT_PORT_LIMIT);
      acc.destinationAddresses = DistinctCounter.readFrom(in, EXACT_ATTEMPT_LIMIT);
    }
    return acc;
  }

  private static void writeEnd(DataOutput out, EdgeEnd end) throws IOException {
    out.writeBoolean(end.namespace() != null);
    if (end.namespace() != null) {
      out.writeUTF(end.namespace());
    }
    out.writeUTF(end.kind());
    out.writeUTF(end.name());
    out.writeByte(end.networkClass().ordinal());
  }

  private static EdgeEnd readEnd(DataInput in) throws IOException {
    String namespace = in.readBoolean() ? in.readUTF() : null;
    return new EdgeEnd(namespace, in.readUTF(), in.readUTF(), dev.flowtel.schema.NetworkClass.values()[in.readByte()]);
  }

  private static void writeIds(DataOutput out, LongHashSet ids) throws IOException {
    long[] values = ids.toArray();
    out.writeInt(values.length);
    for (long v : values) {
      out.writeLong(v);
    }
  }

  private static LongHashSet readIds(DataInput in) throws IOException {
    int n = in.readInt();
    LongHashSet ids = new LongHashSet(n);
    for (int i = 0; i < n; i++) {
      ids.add(in.readLong());
    }
    return ids;
  }

  private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInput in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return bytes;
  }
}
