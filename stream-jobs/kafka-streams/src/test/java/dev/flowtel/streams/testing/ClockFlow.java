package dev.flowtel.streams.testing;

import dev.flowtel.core.edge.ObservationPoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;

/**
 * The last record an IT writes to each flows partition, so that the app's event time runs on past
 * the input without the wall clock: a copy of that partition's last counted flow, moved on in event
 * time.
 * Its own windows stay open, since nothing comes after it and the ITs set an idleness no test
 * outlives, so it adds no ServiceTraffic; a flow of an edge already seen, it adds no anomaly either
 * ({@link SimulatedInput#expected} checks both against the end of the input).
 */
public final class ClockFlow {

  private static final WireCodec<FlowEvent> CODEC = WireCodec.of(RecordType.FLOW_EVENT);

  private ClockFlow() {}

  /**
   * When a clock flow ends for an input whose flows end at most at {@code lastFlowEnd}, when only the
   * windows (of at most {@code largestWindow}) must close, not the anomalies' later revisions: the
   * end of the window that holds {@code lastFlowEnd}, plus {@code maxOutOfOrderness} and a second,
   * so the watermark it brings (its end - out-of-orderness - 1 ms) is past that window's last instant.
   */
  public static Instant afterLastWindow(Instant lastFlowEnd, Duration largestWindow, Duration maxOutOfOrderness) {
    long size = largestWindow.toMillis();
    long windowEnd = Math.floorDiv(lastFlowEnd.toEpochMilli(), size) * size + size;
    return Instant.ofEpochMilli(windowEnd).plus(maxOutOfOrderness).plusSeconds(1);
  }

  /** The encoded flow {@code flow}, moved in event time so that it ends at {@code end} (its duration kept). */
  public static byte[] movedTo(byte[] flow, Instant end) {
    FlowEvent event = CODEC.decode(flow).orElseThrow();
    Duration shift = Duration.between(event.getFlowEnd(), end);
    return CODEC.encode(FlowEvent.newBuilder(event).setFlowStart(event.getFlowStart().plus(shift)).setFlowEnd(end).build());
  }

  /**
   * Whether the bytes are a flow the app counts (and so moves event time on): decodable, and not an
   * observation that duplicates another ({@link ObservationPoint}). Only such a flow can be copied.
   */
  public static boolean counts(byte[] flow) {
    var decoded = CODEC.decode(flow);
    return decoded.isDecoded() && ObservationPoint.counts(decoded.orElseThrow());
  }

  /** The flow's end, or null when the bytes are not a flow (a poison record). */
  public static Instant endOf(byte[] flow) {
    var decoded = CODEC.decode(flow);
    return decoded.isDecoded() ? decoded.orElseThrow().getFlowEnd() : null;
  }
}
