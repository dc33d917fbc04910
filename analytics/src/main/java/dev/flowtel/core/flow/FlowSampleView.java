package dev.flowtel.core.flow;

import dev.flowtel.schema.FlowSample;
import java.io.Serializable;
import java.time.Instant;

/** One 5-tuple kept as evidence of an anomaly (plain Java, so detector state stays engine-neutral). */
public record FlowSampleView(String srcAddr, String dstAddr, int srcPort, int dstPort, int protocol, long flowEndMillis)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public FlowSample toAvro() {
    return FlowSample.newBuilder().setSrcAddr(srcAddr).setDstAddr(dstAddr).setSrcPort(srcPort).setDstPort(dstPort)
        .setProtocol(protocol).setFlowEnd(Instant.ofEpochMilli(flowEndMillis)).build();
  }

  @Override
  public String toString() {
    return srcAddr + ":" + srcPort + " -> " + dstAddr + ":" + dstPort + "/" + protocol;
  }
}
