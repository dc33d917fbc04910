package dev.flowtel.flink.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.FailedAttempts;
import dev.flowtel.core.traffic.TrafficWindows;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Puts each flow on its traffic edge (a failed connection attempt on its client's folded edge,
 * core's {@link FailedAttempts}) and groups each source task's flows by edge and pane before the
 * shuffle, which is keyed by that edge. Window results stay exactly
 * those of flow-by-flow input because:
 * <ul>
 *   <li>a pane is never split by a window boundary (its size divides every window size), so a
 *       batch lands in the same windows as each of its flows;</li>
 *   <li>a pane is sent before the watermark that closes it is forwarded, and the window
 *       operator's watermark is never ahead of this task's, so no batch arrives after its window
 *       fired where its flows would have arrived before;</li>
 *   <li>a flow for a pane this task's watermark already closed is sent at once, alone, as it was;</li>
 *   <li>flows keep their order within an edge, so order-sensitive sketches see the same input.</li>
 * </ul>
 * Nothing is kept across checkpoints: everything buffered is sent before each barrier and at the
 * end of input, and after {@code maxBufferedFlows} flows at any time (sending early is always safe).
 */
final class EdgePreCombiner extends AbstractStreamOperator<EdgeFlowBatch>
    implements OneInputStreamOperator<ClassifiedFlow, EdgeFlowBatch> {

  private static final long serialVersionUID = 1L;

  private final long paneMillis;
  private final int maxBufferedFlows;
  private transient Map<PaneKey, List<ClassifiedFlow>> panes;
  private transient int buffered;
  private transient long watermark;

  EdgePreCombiner(long paneMillis, int maxBufferedFlows) {
    if (paneMillis <= 0) {
      throw new IllegalArgumentException("pane must be positive: " + paneMillis);
    }
    this.paneMillis = paneMillis;
    this.maxBufferedFlows = maxBufferedFlows;
  }

  /** The largest span that divides every window size, so no pane straddles a window boundary. */
  static long paneMillis(long... windowMillis) {
    long pane = 0;
    for (long w : windowMillis) {
      if (w > 0) {
        pane = pane == 0 ? w : gcd(pane, w);
      }
    }
    return pane;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  @Override
  public void open() throws Exception {
    super.open();
    panes = new LinkedHashMap<>();
    buffered = 0;
    watermark = Long.MIN_VALUE;
  }

  @Override
  public void processElement(StreamRecord<ClassifiedFlow> element) {
    ClassifiedFlow flow = FailedAttempts.onTrafficEdge(element.getValue());
    long paneStart = TrafficWindows.start(flow.eventTimeMillis(), paneMillis);
    if (closed(paneStart)) {
      output.collect(new StreamRecord<>(new EdgeFlowBatch(flow.edgeKey(), paneStart, List.of(flow)), paneStart));
      return;
    }
    panes.computeIfAbsent(new PaneKey(flow.edgeKey(), paneStart), k -> new ArrayList<>()).add(flow);
    if (++buffered >= maxBufferedFlows) {
      sendAll();
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = mark.getTimestamp();
    Iterator<Map.Entry<PaneKey, List<ClassifiedFlow>>> it = panes.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<PaneKey, List<ClassifiedFlow>> pane = it.next();
      if (closed(pane.getKey().startMillis())) {
        send(pane.getKey(), pane.getValue());
        it.remove();
      }
    }
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    sendAll();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    sendAll();
    super.finish();
  }

  /** Whether this task's watermark has passed the pane, so no window it falls in waits for it. */
  private boolean closed(long paneStart) {
    return TrafficWindows.maxTimestamp(paneStart, paneMillis) <= watermark;
  }

  private void sendAll() {
    panes.forEach(this::send);
    panes.clear();
  }

  private void send(PaneKey pane, List<ClassifiedFlow> flows) {
    buffered -= flows.size();
    output.collect(new StreamRecord<>(new EdgeFlowBatch(pane.edgeKey(), pane.startMillis(), flows), pane.startMillis()));
  }

  private record PaneKey(String edgeKey, long startMillis) {}
}
