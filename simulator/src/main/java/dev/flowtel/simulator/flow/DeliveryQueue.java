package dev.flowtel.simulator.flow;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts generated flows in delivery order without sorting them: each flow has a delivery time
 * (flowEnd plus jitter) and goes into the time bucket of that delivery time; buckets are
 * delivered in order, flows within a bucket in generation order. With jitter below
 * {@code bound - bucketWidth} no flow is delivered after a flow whose flowEnd is {@code bound}
 * later, which keeps the out-of-order bound exact at the cost of one array append per flow.
 * A bound below the bucket width sorts each bucket by delivery time instead.
 */
final class DeliveryQueue {

  private static final long MAX_BUCKET_NANOS = 50_000_000L;

  private final long origin;
  private final long bucketNanos;
  private final long maxJitterNanos;
  private final boolean sortBuckets;
  private Bucket[] ring;
  /** The lowest bucket not yet delivered. */
  private long nextBucket;

  DeliveryQueue(long originNanos, long intervalNanos, long boundNanos) {
    this.origin = originNanos;
    if (boundNanos >= 4_000_000L) {
      this.bucketNanos = Math.min(MAX_BUCKET_NANOS, boundNanos / 4);
      this.maxJitterNanos = boundNanos - bucketNanos;
      this.sortBuckets = false;
    } else {
      this.bucketNanos = MAX_BUCKET_NANOS;
      this.maxJitterNanos = boundNanos;
      this.sortBuckets = true;
    }
    int size = (int) Math.min(1 << 20, (intervalNanos + boundNanos) / bucketNanos + 4);
    this.ring = new Bucket[size];
    for (int i = 0; i < size; i++) {
      ring[i] = new Bucket();
    }
  }

  /** Largest jitter to add to a flowEnd to get its delivery time. */
  long maxJitterNanos() {
    return maxJitterNanos;
  }

  void add(FlowEvent flow, long deliveryNanos, String edgeKey, GroundTruthLabel label) {
    bucketFor(deliveryNanos).add(flow, deliveryNanos, edgeKey, label);
  }

  void add(ClusterStateRecord record, long atNanos) {
    bucketFor(atNanos).states.add(record);
  }

  /** Delivers every bucket that ends at or before {@code nanos}: nothing later can land in it. */
  void deliverUntil(long nanos, SimulationSink sink) {
    long last = Math.floorDiv(nanos - origin, bucketNanos);
    for (; nextBucket < last; nextBucket++) {
      ring[(int) (nextBucket % ring.length)].deliver(sink, sortBuckets, origin + nextBucket * bucketNanos);
    }
  }

  void deliverAll(SimulationSink sink) {
    long last = nextBucket + ring.length;
    for (; nextBucket < last; nextBucket++) {
      ring[(int) (nextBucket % ring.length)].deliver(sink, sortBuckets, origin + nextBucket * bucketNanos);
    }
  }

  private Bucket bucketFor(long nanos) {
    long b = Math.max(nextBucket, Math.floorDiv(nanos - origin, bucketNanos));
    if (b >= nextBucket + ring.length) {
      grow(b - nextBucket + 1);
    }
    return ring[(int) (b % ring.length)];
  }

  private void grow(long needed) {
    int size = (int) Math.max(needed, ring.length * 2L);
    Bucket[] bigger = new Bucket[size];
    for (long b = nextBucket; b < nextBucket + size; b++) {
      bigger[(int) (b % size)] = b < nextBucket + ring.length ? ring[(int) (b % ring.length)] : new Bucket();
    }
    ring = bigger;
  }

  /** Flows and state changes delivered together; arrays are reused from bucket to bucket. */
  private static final class Bucket {
    private FlowEvent[] flows = new FlowEvent[256];
    private String[] keys = new String[256];
    private GroundTruthLabel[] labels = new GroundTruthLabel[256];
    private long[] times = new long[256];
    private int size;
    private final List<ClusterStateRecord> states = new ArrayList<>(0);

    void add(FlowEvent flow, long time, String key, GroundTruthLabel label) {
      if (size == flows.length) {
        int n = size * 2;
        flows = Arrays.copyOf(flows, n);
        keys = Arrays.copyOf(keys, n);
        labels = Arrays.copyOf(labels, n);
        times = Arrays.copyOf(times, n);
      }
      flows[size] = flow;
      keys[size] = key;
      labels[size] = label;
      times[size] = time;
      size++;
    }

    void deliver(SimulationSink sink, boolean sort, long bucketStart) {
      for (ClusterStateRecord state : states) {
        sink.clusterState(state);
      }
      states.clear();
      if (sort && size > 1) {
        long[] order = new long[size];
        for (int i = 0; i < size; i++) {
          order[i] = (Math.max(0, times[i] - bucketStart) << 32) | i;
        }
        Arrays.sort(order);
        for (long o : order) {
          int i = (int) o;
          sink.flow(flows[i], keys[i], labels[i]);
        }
      } else {
        for (int i = 0; i < size; i++) {
          sink.flow(flows[i], keys[i], labels[i]);
        }
      }
      Arrays.fill(flows, 0, size, null);
      Arrays.fill(keys, 0, size, null);
      Arrays.fill(labels, 0, size, null);
      size = 0;
    }
  }
}
