package dev.flowtel.core.dns;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * One DNS anomaly detector, the DNS counterpart of {@link dev.flowtel.core.anomaly.Detector}: the engine
 * partitions DNS transactions by {@link DnsQuery#clientKey()}, keeps one state {@code S} per key, calls
 * {@link #onQuery} for each accepted query in arrival order and {@link #onWatermark} when event time
 * passes the time the detector last asked for.
 *
 * @param <S> the per-client state
 */
public interface DnsDetector<S extends Serializable> extends Serializable {

  AnomalyType type();

  /** Whether the detector needs this query at all; engines filter before partitioning. */
  boolean accepts(DnsQuery query);

  S newState();

  /** Handles one query of this client; {@code learningUntilMillis} ends the period in which it only learns. */
  void onQuery(S state, DnsQuery query, long learningUntilMillis, Consumer<PolicyAnomaly> out);

  /** Event time reached {@code watermark}: closes windows and forgets what has expired. */
  void onWatermark(S state, long watermark, Consumer<PolicyAnomaly> out);

  /** The event time at which {@link #onWatermark} has work to do next, or Long.MAX_VALUE. */
  long nextDeadline(S state);

  /** Whether the state holds nothing worth keeping, so the engine may drop it. */
  boolean isEmpty(S state);
}
