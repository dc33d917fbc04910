package dev.flowtel.simulator.flow;

import dev.flowtel.simulator.episode.GroundTruthLabel;

/** While [from, to) the policies deny new connections on one call edge; attempts are attributed to {@code label}. */
public record DeniedWindow(int edgeIndex, long fromNanos, long toNanos, GroundTruthLabel label) {}
