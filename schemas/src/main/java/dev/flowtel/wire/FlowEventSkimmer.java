package dev.flowtel.wire;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads FlowEvents written with this build's schema into one reused {@link FlowEvent}, for
 * aggregating jobs that read every flow but need only its numbers and the names its service edge
 * is made of.
 *
 * <p>What it leaves out, so that {@link WireCodec}'s full decoding is the right choice for anything
 * else: endpoint labels, policy names, the interface name, the drop reason and the Community ID are
 * skipped (left empty or null). Every other field is read as {@link WireCodec} reads it. Endpoints
 * and strings that repeat across flows (a pod's endpoint, node names) come from tables keyed by
 * their encoded bytes, found without copying them, so a steady stream builds almost no objects but
 * the two timestamps; building strings and label maps was most of full decoding's cost. Endpoints
 * are therefore shared between the flows returned: read them, never change them.
 *
 * <p>Only records whose header carries the schema fingerprint this reader was written for are
 * read; for any other record, and for any body that does not decode to its exact end or holds a
 * value Avro would refuse, {@link #read} returns null and the caller uses {@link WireCodec}, which
 * then names what is wrong. Not thread-safe: one per reading thread. The returned object is
 * overwritten by the next call.
 */
public final class FlowEventSkimmer {

  /**
   * CRC-64-AVRO fingerprint of the FlowEvent schema whose field order {@link #readBody} follows.
   * When the schema changes, FlowEventSkimmerTest fails until {@link #readBody} and this follow it.
   */
  static final long SKIMMED_FINGERPRINT = 0x68ae6e95c3e9c774L;

  private static final Direction[] DIRECTIONS = Direction.values();
  private static final Verdict[] VERDICTS = Verdict.values();
  private static final EndpointKind[] ENDPOINT_KINDS = EndpointKind.values();
  private static final NetworkClass[] NETWORK_CLASSES = NetworkClass.values();

  private final byte[] header = WireCodec.header(SKIMMED_FINGERPRINT);
  private final int skimmedVersion = SchemaCatalog.published().findByFingerprint(SKIMMED_FINGERPRINT)
      .map(SchemaCatalog.PublishedSchema::version).orElse(0);
  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  private final ByteKeyedTable<String> strings = new ByteKeyedTable<>();
  private final ByteKeyedTable<Endpoint> endpoints = new ByteKeyedTable<>();
  private final FlowEvent flow = new FlowEvent();
  private byte[] in;
  private int pos;
  /** Where {@link #skipEndpoint} found the labels of the endpoint it skipped. */
  private int labelsStart;
  private int labelsEnd;

  /** True when this build's FlowEvent schema is the one this reader follows. */
  public static boolean followsCurrentSchema() {
    return SchemaCatalog.fingerprint(RecordType.FLOW_EVENT.currentSchema()) == SKIMMED_FINGERPRINT;
  }

  public FlowEventSkimmer() {
    flow.setPolicyNames(List.of());
  }

  /**
   * Decodes as {@link WireCodec#decode} does, skimming whatever {@link #read} reads; the rest, and
   * every failure with its reason, is the codec's. A skimmed record is overwritten by the next call.
   */
  public DecodeResult<FlowEvent> decode(byte[] bytes) {
    FlowEvent skimmed = read(bytes);
    return skimmed != null ? new DecodeResult.Decoded<>(skimmed, skimmedVersion) : codec.decode(bytes);
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
    in = bytes;
    pos = WireCodec.HEADER_LENGTH;
    try {
      readBody();
      return pos == bytes.length ? flow : null;
    } catch (Malformed | RuntimeException malformed) {
      return null;
    } finally {
      in = null;
    }
  }

  private void readBody() throws Malformed {
    flow.setFlowStart(nanosToInstant(readLong()));
    flow.setFlowEnd(nanosToInstant(readLong()));
    flow.setNode(readString());
    if (present()) {                                   // interfaceName
      skipString();
    }
    flow.setInterfaceIndex(present() ? readInt() : null);
    flow.setDirection(DIRECTIONS[readEnum(DIRECTIONS.length)]);
    flow.setIpVersion(readInt());
    flow.setSrcAddr(readBytes(flow.getSrcAddr()));
    flow.setDstAddr(readBytes(flow.getDstAddr()));
    flow.setSrcPort(readInt());
    flow.setDstPort(readInt());
    flow.setProtocol(readInt());
    flow.setBytes(readLong());
    flow.setPackets(readLong());
    flow.setGsoSegments(readLong());
    flow.setTcpFlags(readInt());
    flow.setIcmpType(present() ? readInt() : null);
    flow.setIcmpCode(present() ? readInt() : null);
    flow.setDrops(readLong());
    flow.setDropBytes(readLong());
    if (present()) {                                   // dropReason
      skipString();
    }
    flow.setTcpRttMicros(present() ? readLong() : null);
    flow.setVerdict(VERDICTS[readEnum(VERDICTS.length)]);
    for (long n = blockCount(); n != 0; n = blockCount()) { // policyNames
      for (long i = 0; i < n; i++) {
        skipString();
      }
    }
    flow.setSamplingRate(readInt());
    if (present()) {                                   // communityId
      skipString();
    }
    flow.setSource(present() ? endpoint() : null);
    flow.setDestination(present() ? endpoint() : null);
  }

  /**
   * The endpoint whose encoding starts here. A pod's endpoint is the same bytes in every flow it
   * has, so its encoding is looked up at once, labels left out of the key (they are skipped, and
   * longer than the rest); only a new one is read field by field.
   */
  private Endpoint endpoint() throws Malformed {
    int start = pos;
    skipEndpoint();
    int end = pos;
    int headLength = labelsStart - start;
    int tailLength = end - labelsEnd;
    Endpoint known = endpoints.get(in, start, headLength, labelsEnd, tailLength);
    if (known != null) {
      return known;
    }
    int labelsEndHere = labelsEnd;
    pos = start;
    Endpoint endpoint = readEndpoint();
    endpoints.put(in, start, headLength, labelsEndHere, tailLength, endpoint);
    return endpoint;
  }

  private void skipEndpoint() throws Malformed {
    readEnum(ENDPOINT_KINDS.length);
    for (int i = 0; i < 4; i++) {                      // namespace, pod, workloadKind, workloadName
      if (present()) {
        skipString();
      }
    }
    for (long n = blockCount(); n != 0; n = blockCount()) { // services
      for (long i = 0; i < n; i++) {
        skipString();
      }
    }
    labelsStart = pos;
    for (long n = blockCount(); n != 0; n = blockCount()) { // labels
      for (long i = 0; i < n; i++) {
        skipString();
        skipString();
      }
    }
    labelsEnd = pos;
    if (present()) {                                   // node
      skipString();
    }
    readBoolean();
    readEnum(NETWORK_CLASSES.length);
    if (present()) {                                   // domain
      skipString();
    }
  }

  private Endpoint readEndpoint() throws Malformed {
    Endpoint endpoint = new Endpoint();
    endpoint.setLabels(Map.of());
    endpoint.setKind(ENDPOINT_KINDS[readEnum(ENDPOINT_KINDS.length)]);
    endpoint.setNamespace(present() ? readString() : null);
    endpoint.setPod(present() ? readString() : null);
    endpoint.setWorkloadKind(present() ? readString() : null);
    endpoint.setWorkloadName(present() ? readString() : null);
    List<String> services = new ArrayList<>(2);
    for (long n = blockCount(); n != 0; n = blockCount()) {
      for (long i = 0; i < n; i++) {
        services.add(readString());
      }
    }
    endpoint.setServices(List.copyOf(services));
    for (long n = blockCount(); n != 0; n = blockCount()) { // labels
      for (long i = 0; i < n; i++) {
        skipString();
        skipString();
      }
    }
    endpoint.setNode(present() ? readString() : null);
    endpoint.setHostNetwork(readBoolean());
    endpoint.setNetworkClass(NETWORK_CLASSES[readEnum(NETWORK_CLASSES.length)]);
    endpoint.setDomain(present() ? readString() : null);
    return endpoint;
  }

  // Avro's binary encoding, strictly: anything Avro's own decoder would refuse is Malformed here.

  private long readLong() throws Malformed {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in[pos++];
      raw |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw Malformed.INSTANCE;
  }

  private int readInt() throws Malformed {
    int raw = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      int b = in[pos++];
      raw |= (b & 0x7F) << shift;
      if (b >= 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw Malformed.INSTANCE;
  }

  private int readEnum(int symbols) throws Malformed {
    int index = readInt();
    if (index < 0 || index >= symbols) {
      throw Malformed.INSTANCE;
    }
    return index;
  }

  /** A ["null", T] union's branch: false for null. */
  private boolean present() throws Malformed {
    int branch = readInt();
    if (branch != 0 && branch != 1) {
      throw Malformed.INSTANCE;
    }
    return branch == 1;
  }

  private boolean readBoolean() throws Malformed {
    int b = in[pos++];
    if (b != 0 && b != 1) {
      throw Malformed.INSTANCE;
    }
    return b == 1;
  }

  /** The item count of the next array or map block; 0 ends the array or map. */
  private long blockCount() throws Malformed {
    long count = readLong();
    if (count < 0) {
      count = -count;
      readLong(); // the block's size in bytes, which a writer may add
    }
    return count;
  }

  private int length() throws Malformed {
    long length = readLong();
    if (length < 0 || length > in.length - pos) {
      throw Malformed.INSTANCE;
    }
    return (int) length;
  }

  private void skipString() throws Malformed {
    int length = length(); // before reading pos: length() moves it past the length itself
    pos += length;
  }

  private String readString() throws Malformed {
    int length = length();
    String value = strings.get(in, pos, length, pos, 0);
    if (value == null) {
      value = new String(in, pos, length, StandardCharsets.UTF_8);
      strings.put(in, pos, length, pos, 0, value);
    }
    pos += length;
    return value;
  }

  private ByteBuffer readBytes(ByteBuffer reuse) throws Malformed {
    int length = length();
    ByteBuffer buffer = reuse != null && reuse.capacity() >= length ? reuse.clear() : ByteBuffer.allocate(Math.max(16, length));
    buffer.put(in, pos, length).flip();
    pos += length;
    return buffer;
  }

  private static Instant nanosToInstant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** Thrown without a stack: a body that is not valid Avro is expected input here, not a bug. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    static final Malformed INSTANCE = new Malformed();

    private Malformed() {
      super(null, null, false, false);
    }
  }

  /**
   * Values keyed by bytes, found by open addressing over the bytes in place: a key is two ranges of
   * one array (a head and a tail, so that a part in between can be left out). Cleared when half
   * full: a cluster's names and endpoints number thousands, not tens of thousands, so clearing is
   * rare and only costs reading again the ones still in use.
   */
  static final class ByteKeyedTable<V> {

    private static final int SLOTS = 1 << 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[][] keys = new byte[SLOTS][];
    private final int[] headLengths = new int[SLOTS];
    private final Object[] values = new Object[SLOTS];
    private final int[] hashes = new int[SLOTS];
    private int size;

    @SuppressWarnings("unchecked")
    V get(byte[] bytes, int head, int headLength, int tail, int tailLength) {
      int hash = hash(bytes, head, headLength, tail, tailLength);
      for (int slot = hash & (SLOTS - 1); keys[slot] != null; slot = (slot + 1) & (SLOTS - 1)) {
        byte[] key = keys[slot];
        if (hashes[slot] == hash && headLengths[slot] == headLength && key.length == headLength + tailLength
            && Arrays.equals(key, 0, headLength, bytes, head, head + headLength)
            && Arrays.equals(key, headLength, key.length, bytes, tail, tail + tailLength)) {
          return (V) values[slot];
        }
      }
      return null;
    }

    void put(byte[] bytes, int head, int headLength, int tail, int tailLength, V value) {
      if (size >= SLOTS / 2) {
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
        size = 0;
      }
      int hash = hash(bytes, head, headLength, tail, tailLength);
      int slot = hash & (SLOTS - 1);
      while (keys[slot] != null) {
        slot = (slot + 1) & (SLOTS - 1);
      }
      byte[] key = Arrays.copyOfRange(bytes, head, head + headLength + tailLength);
      System.arraycopy(bytes, tail, key, headLength, tailLength);
      keys[slot] = key;
      headLengths[slot] = headLength;
      values[slot] = value;
      hashes[slot] = hash;
      size++;
    }

    private static int hash(byte[] bytes, int head, int headLength, int tail, int tailLength) {
      long h = mix((headLength * 31L + tailLength) * 0x9E3779B97F4A7C15L, bytes, head, headLength);
      h = mix(h, bytes, tail, tailLength);
      h ^= h >>> 31;
      return (int) (h ^ (h >>> 32));
    }

    private static long mix(long h, byte[] bytes, int offset, int length) {
      int i = 0;
      for (; i + 8 <= length; i += 8) {
        h = Long.rotateLeft((h ^ (long) LONGS.get(bytes, offset + i)) * 0xFF51AFD7ED558CCDL, 29);
      }
      for (; i < length; i++) {
        h = (h ^ bytes[offset + i]) * 0xC4CEB9FE1A85EC53L;
      }
      return h;
    }
  }
}
