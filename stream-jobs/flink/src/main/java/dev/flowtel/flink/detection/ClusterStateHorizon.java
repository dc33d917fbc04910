package dev.flowtel.flink.detection;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The event time up to which the edge detectors know the cluster state is complete: the highest
 * watermark they have seen. Kept in operator state because a restored subtask starts with no
 * watermark, and until its inputs send one it would leave every flow unjudged, missing the policy
 * violations in the first moments after a restart; the restored broadcast state already holds the
 * cluster state up to the remembered watermark.
 */
final class ClusterStateHorizon {

  private long watermark = Long.MIN_VALUE;
  private ListState<Long> stored;

  void initialize(FunctionInitializationContext context) throws Exception {
    // Union state: after a rescale every subtask takes the highest; the broadcast state is the same on all.
    stored = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("cluster-state-horizon", Types.LONG));
    for (Long value : stored.get()) {
      watermark = Math.max(watermark, value);
    }
  }

  void snapshot() throws Exception {
    stored.update(watermark == Long.MIN_VALUE ? List.of() : List.of(watermark));
  }

  /** The later of {@code current} and every watermark seen before, including before a restore. */
  long advance(long current) {
    if (current > watermark) {
      watermark = current;
    }
    return watermark;
  }
}
