package dev.flowtel.streams.time;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Flows to the partition of their grouping key; watermark markers to every partition (multicast). */
public final class MarkerPartitioner implements StreamPartitioner<String, byte[]> {

  private static int partition(String key, int numPartitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions;
  }

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
    if (WatermarkMarker.is(value)) {
      Set<Integer> all = new HashSet<>();
      for (int p = 0; p < numPartitions; p++) {
        all.add(p);
      }
      return Optional.of(all);
    }
    return Optional.of(Set.of(partition(key, numPartitions)));
  }
}
