package dev.flowtel.parity;

import dev.flowtel.core.edge.ObservationPoint;
import dev.flowtel.core.time.StepWatermark;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One recorded input for both engines: a simulation's flows (every observation point, so
 * duplicates, and both directions, so replies) as encoded on the flows topic, keyed by edge, in
 * delivery order (out of order within the simulator's bound), plus its cluster state (the initial
 * snapshot and the POLICY_CHANGE deletions and restorations mid-stream). Then every
 * {@code lateEvery}-th flow is moved later in the stream: alternately by {@code withinLateness}
 * (revising its window) and by {@code beyondLateness} (dead-lettered as late). A flow is moved only
 * where the engines' decision cannot depend on when a periodic watermark fell: more than a
 * watermark step away from every window boundary that decides its fate.
 */
record RecordedInput(List<Flow> flows, List<ClusterStateRecord> clusterState, int delayed) {

  record Flow(byte[] key, byte[] value, long endMillis, boolean counted) {}

  static RecordedInput of(SimulatorSettings settings, int lateEvery, long withinLateness, long beyondLateness,
      long outOfOrderness, long allowedLateness, long[] windows) {
    ClusterSimulator simulator = ClusterSimulator.of(settings);
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    List<Flow> flows = new ArrayList<>();
    List<ClusterStateRecord> state = new ArrayList<>();
    simulator.run(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        flows.add(new Flow(edgeKey.getBytes(StandardCharsets.UTF_8), codec.encode(flow), flow.getFlowEnd().toEpochMilli(),
            ObservationPoint.counts(flow)));
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        state.add(record);
      }
    });
    int delayed = 0;
    int counted = 0;
    List<Flow> out = new ArrayList<>(flows);
    for (int i = 0; i < out.size(); i++) {
      Flow f = out.get(i);
      if (!f.counted() || ++counted % lateEvery != 0) {
        continue;
      }
      long delay = (counted / lateEvery) % 2 == 0 ? withinLateness : beyondLateness;
      int target = i + 1;
      while (target < out.size() && out.get(target).endMillis() < f.endMillis() + delay) {
        target++;
      }
      if (target >= out.size() || (target - i) > 200_000) {
        continue;
      }
      long watermark = stepWatermarkBefore(out, i, target, outOfOrderness);
      if (!robust(f.endMillis(), watermark, windows, allowedLateness)) {
        continue;
      }
      out.remove(i);
      out.add(target - 1, f);
      delayed++;
      i--;
    }
    return new RecordedInput(out, state, delayed);
  }

  /** The step watermark after the flows before {@code target}, the moved one ({@code skip}) left out. */
  private static long stepWatermarkBefore(List<Flow> flows, int skip, int target, long outOfOrderness) {
    StepWatermark w = new StepWatermark(outOfOrderness);
    for (int i = 0; i < target; i++) {
      if (i != skip && flows.get(i).counted()) {
        w.onEvent(flows.get(i).endMillis());
      }
    }
    return w.current();
  }

  /**
   * Whether every decision about the flow (each window closed or not, too late or not) is the same
   * at the step watermark and anywhere up to a step above it (where a periodic watermark can be).
   */
  private static boolean robust(long end, long watermark, long[] windows, long allowedLateness) {
    for (long size : windows) {
      long maxTs = TrafficWindows.maxTimestamp(end, size);
      for (long boundary : new long[] {maxTs, maxTs + allowedLateness}) {
        if (boundary > watermark - 2 * StepWatermark.STEP_MILLIS && boundary <= watermark + 2 * StepWatermark.STEP_MILLIS) {
          return false;
        }
      }
    }
    return true;
  }
}
