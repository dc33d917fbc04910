/**
 * The anomaly detectors: the shape every detector has ({@link dev.flowtel.core.anomaly.Detector}),
 * what it keys its state by ({@link dev.flowtel.core.anomaly.Grouping}), how an engine runs the
 * detectors of one key ({@link dev.flowtel.core.anomaly.DetectorGroup}), the detectors, and their
 * thresholds ({@link dev.flowtel.core.anomaly.DetectionConfig}, {@link
 * dev.flowtel.core.anomaly.DetectionOptions}, {@link dev.flowtel.core.anomaly.LearningPeriod}).
 *
 * <p>The package keeps its name because the detectors' state classes are recorded by name in
 * Flink savepoints ({@code dev.flowtel.core.anomaly.PortScanDetector$State} and its six siblings)
 * and Kafka Streams changelogs: a state class that moves must stay readable under its old name
 * (docs/development.md, "Keeping the Flink jobs' state restorable").
 */
package dev.flowtel.core.anomaly;
