package dev.flowtel.sink.elasticsearch.document;

import dev.flowtel.schema.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The one writer of a raw event's ends: {@code flowtel.<side>.*} of an {@link Endpoint} (the flows' source and
 * destination, the DNS client and server) and the addresses in ECS text form, so the flows and the DNS documents name
 * a workload the same way and a panel can join them on {@code flowtel.<side>.id}.
 */
final class EndpointFields {

  private EndpointFields() {}

  /**
   * {@code flowtel.<side>.id} ({@code namespace/Kind/name}, when the workload is known), {@code endpoint_kind},
   * {@code namespace}, {@code kind}, {@code name}, {@code pod}, {@code node} and {@code network_class}; nothing for an
   * end enrichment did not know. What only one kind of document maps (services, labels) its builder adds.
   */
  static void put(DocumentFields f, String side, Endpoint endpoint) {
    if (endpoint == null) {
      return;
    }
    String p = prefix(side);
    if (endpoint.getWorkloadKind() != null && endpoint.getWorkloadName() != null) {
      f.put(p + "id", (endpoint.getNamespace() == null ? "" : endpoint.getNamespace() + "/") + endpoint.getWorkloadKind() + "/"
          + endpoint.getWorkloadName());
    }
    f.put(p + "endpoint_kind", endpoint.getKind().name())
        .put(p + "namespace", endpoint.getNamespace())
        .put(p + "kind", endpoint.getWorkloadKind())
        .put(p + "name", endpoint.getWorkloadName())
        .put(p + "pod", endpoint.getPod())
        .put(p + "node", endpoint.getNode())
        .put(p + "network_class", endpoint.getNetworkClass().name());
  }

  /** {@code flowtel.<side>.}: where {@link #put} writes, for the fields a builder adds beside them. */
  static String prefix(String side) {
    return "flowtel." + side + ".";
  }

  /** The buffer's bytes, leaving the buffer as it was (records are shared with the rest of the batch). */
  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] raw = new byte[copy.remaining()];
    copy.get(raw);
    return raw;
  }

  /** The address in ECS text form; a length that is neither 4 nor 16 is written as-is so the mapping rejects it visibly. */
  static String address(ByteBuffer buffer) {
    byte[] raw = bytes(buffer);
    try {
      return InetAddress.getByAddress(raw).getHostAddress().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException ex) {
      return "invalid-address-of-" + raw.length + "-bytes";
    }
  }
}
