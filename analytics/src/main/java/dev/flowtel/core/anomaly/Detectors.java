package dev.flowtel.core.anomaly;

import java.util.List;

/** Every detector, configured; engines run the ones of each grouping side by side. */
public final class Detectors {

  private Detectors() {}

  public static List<Detector<?>> all(DetectionConfig config) {
    return List.of(new PolicyViolationDetector(config), new DeniedSpikeDetector(config), new NewEdgeDetector(config),
        new VolumeAnomalyDetector(config), DistinctTargetsDetector.portScan(config),
        DistinctTargetsDetector.ipSweep(config), new ExternalEgressDetector(config));
  }

  public static List<Detector<?>> of(Grouping grouping, DetectionConfig config) {
    return all(config).stream().filter(d -> d.grouping() == grouping).toList();
  }
}
