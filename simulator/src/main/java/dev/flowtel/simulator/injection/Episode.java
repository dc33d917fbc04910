package dev.flowtel.simulator.injection;

import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.DeniedWindow;
import dev.flowtel.simulator.flow.IntervalTraffic;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import java.util.List;

/**
 * A planned episode: its ground truth, the traffic it adds (null when it only changes state), the
 * cluster-state records it publishes and the call edges it makes the policies deny for a while.
 */
public record Episode(GroundTruthLabel label, IntervalTraffic traffic, List<ClusterStateRecord> stateChanges,
    List<DeniedWindow> deniedWindows) {}
