/**
 * The anomaly lifecycle: a detector's {@link dev.flowtel.core.anomaly.lifecycle.Finding}s become an
 * anomaly with an id, revisions and a cooldown ({@link dev.flowtel.core.anomaly.lifecycle.AnomalyTracker},
 * {@link dev.flowtel.core.anomaly.lifecycle.AnomalyEpisode}, {@link
 * dev.flowtel.core.anomaly.lifecycle.AnomalyPacing}), and its one-line summary ({@link
 * dev.flowtel.core.anomaly.lifecycle.AnomalySummaries}). Knows nothing of any detector.
 */
package dev.flowtel.core.anomaly.lifecycle;
