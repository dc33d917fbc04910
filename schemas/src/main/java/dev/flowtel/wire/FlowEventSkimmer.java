package dev.flowtel.wire;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Reads FlowEvents written with this build's schema into one reused {@link FlowEvent}, for
 * aggregating jobs that read every flow but need only its numbers and the names its service edge
 * is made of.
 *
 * <p>What it leaves out, so that {@link WireCodec}'s full decoding is the right choice for anything
 * else: endpoint labels, policy names, the interface name, the drop reason and the Community ID are
 * skipped (left empty or null). Every other field is read as {@link WireCodec} reads it. Strings
 * that repeat across flows (node, namespace, pod, workload, Service names) come from a bounded
 * cache keyed by their bytes, so a steady stream builds almost no strings; building them and the
 * label maps was most of full decoding's cost.
 *
 * <p>Only records whose header carries the schema fingerprint this reader was written for are
 * read; for any other record, and for any body that does not decode to its exact end, {@link #read}
 * returns null and the caller uses {@link WireCodec}, which then names what is wrong. Not
 * thread-safe: one per reading thread. The returned object is overwritten by the next call.
 */
public final class FlowEventSkimmer {

  /**
   * CRC-64-AVRO fingerprint of the FlowEvent schema whose field order {@link #readBody} follows.
   * When the schema changes, FlowEventSkimmerTest fails until {@link #readBody} and this follow it.
   */
  static final long SKIMMED_FINGERPRINT = 0x42b21360b5b87795L;

  private static final int STRING_CACHE_LIMIT = 65_536;
  private static final Direction[] DIRECTIONS = Direction.values();
  private static final Verdict[] VERDICTS = Verdict.values();
  private static final EndpointKind[] ENDPOINT_KINDS = EndpointKind.values();
  private static final NetworkClass[] NETWORK_CLASSES = NetworkClass.values();

  private final byte[] header = WireCodec.header(SKIMMED_FINGERPRINT);
  private final Map<Utf8, String> strings = new HashMap<>();
  private final Utf8 scratch = new Utf8();
  private final FlowEvent flow = new FlowEvent();
  private final Endpoint source = emptyEndpoint();
  private final Endpoint destination = emptyEndpoint();
  private BinaryDecoder decoder;

  /** True when this build's FlowEvent schema is the one this reader follows. */
  public static boolean followsCurrentSchema() {
    return SchemaCatalog.fingerprint(RecordType.FLOW_EVENT.currentSchema()) == SKIMMED_FINGERPRINT;
  }

  public FlowEventSkimmer() {
    flow.setPolicyNames(List.of());
  }

  /** The flow in {@code bytes}, or null when this reader does not read them (see the class comment). */
  public FlowEvent read(byte[] bytes) {
    if (bytes == null || bytes.length <= WireCodec.HEADER_LENGTH) {
      return null;
    }
    for (int i = 0; i < WireCodec.HEADER_LENGTH; i++) {
      if (bytes[i] != header[i]) {
        return null;
      }
    }
    decoder = DecoderFactory.get().binaryDecoder(bytes, WireCodec.HEADER_LENGTH, bytes.length - WireCodec.HEADER_LENGTH,
        decoder);
    try {
      readBody();
      return decoder.isEnd() ? flow : null;
    } catch (IOException | RuntimeException malformed) {
      return null;
    }
  }

  private void readBody() throws IOException {
    BinaryDecoder in = decoder;
    flow.setFlowStart(nanosToInstant(in.readLong()));
    flow.setFlowEnd(nanosToInstant(in.readLong()));
    flow.setNode(string());
    skipOptionalString();                                  // interfaceName
    flow.setInterfaceIndex(!present() ? null : in.readInt());
    flow.setDirection(DIRECTIONS[in.readEnum()]);
    flow.setIpVersion(in.readInt());
    flow.setSrcAddr(in.readBytes(flow.getSrcAddr()));
    flow.setDstAddr(in.readBytes(flow.getDstAddr()));
    flow.setSrcPort(in.readInt());
    flow.setDstPort(in.readInt());
    flow.setProtocol(in.readInt());
    flow.setBytes(in.readLong());
    flow.setPackets(in.readLong());
    flow.setGsoSegments(in.readLong());
    flow.setTcpFlags(in.readInt());
    flow.setIcmpType(!present() ? null : in.readInt());
    flow.setIcmpCode(!present() ? null : in.readInt());
    flow.setDrops(in.readLong());
    flow.setDropBytes(in.readLong());
    skipOptionalString();                                  // dropReason
    flow.setTcpRttMicros(!present() ? null : in.readLong());
    flow.setVerdict(VERDICTS[in.readEnum()]);
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) { // policyNames
      for (long i = 0; i < n; i++) {
        in.skipString();
      }
    }
    flow.setSamplingRate(in.readInt());
    skipOptionalString();                                  // communityId
    flow.setSource(!present() ? null : readEndpoint(source));
    flow.setDestination(!present() ? null : readEndpoint(destination));
  }

  private Endpoint readEndpoint(Endpoint endpoint) throws IOException {
    BinaryDecoder in = decoder;
    endpoint.setKind(ENDPOINT_KINDS[in.readEnum()]);
    endpoint.setNamespace(optionalString());
    endpoint.setPod(optionalString());
    endpoint.setWorkloadKind(optionalString());
    endpoint.setWorkloadName(optionalString());
    List<String> services = endpoint.getServices();
    services.clear();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        services.add(string());
      }
    }
    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) { // labels
      for (long i = 0; i < n; i++) {
        in.skipString();
        in.skipString();
      }
    }
    endpoint.setNode(optionalString());
    endpoint.setHostNetwork(in.readBoolean());
    endpoint.setNetworkClass(NETWORK_CLASSES[in.readEnum()]);
    return endpoint;
  }

  /** A ["null", T] union's branch: false for null. */
  private boolean present() throws IOException {
    int branch = decoder.readIndex();
    if (branch > 1) {
      throw new IOException("union branch " + branch + " of a [null, value] field");
    }
    return branch == 1;
  }

  private String optionalString() throws IOException {
    return !present() ? null : string();
  }

  private void skipOptionalString() throws IOException {
    if (present()) {
      decoder.skipString();
    }
  }

  private String string() throws IOException {
    Utf8 bytes = decoder.readString(scratch);
    String known = strings.get(bytes);
    if (known != null) {
      return known;
    }
    if (strings.size() >= STRING_CACHE_LIMIT) {
      strings.clear();
    }
    String value = bytes.toString();
    strings.put(new Utf8(value), value);
    return value;
  }

  private static Instant nanosToInstant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private static Endpoint emptyEndpoint() {
    Endpoint endpoint = new Endpoint();
    endpoint.setServices(new ArrayList<>());
    endpoint.setLabels(Map.of());
    return endpoint;
  }
}
