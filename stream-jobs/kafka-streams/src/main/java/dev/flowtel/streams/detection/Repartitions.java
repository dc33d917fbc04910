package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.Grouping;
import java.util.Locale;
import dev.flowtel.streams.time.MarkerPartitioner;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** The repartitions of the probe and egress detectors: names and the marker-multicasting partitioner. */
public final class Repartitions {

  private Repartitions() {}

  /** e.g. {@code detect-client-address}; the internal topic is {@code <application id>-detect-client-address-repartition}. */
  public static String name(Grouping grouping) {
    return "detect-" + grouping.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static StreamPartitioner<String, byte[]> partitioner() {
    return new MarkerPartitioner();
  }
}
