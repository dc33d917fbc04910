package dev.flowtel.clusterstate;

import dev.flowtel.schema.ClusterState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A sink that keeps what was published, in order, and pretends the topic held {@code liveKeys}. */
final class RecordingSink implements ClusterStateSink {

  /** One published record; {@code state} null is a tombstone. */
  record Published(String key, ClusterState state) {}

  private final Set<String> onTopic;
  private final List<Published> published = new ArrayList<>();

  RecordingSink(Set<String> onTopic) {
    this.onTopic = onTopic;
  }

  @Override
  public Set<String> liveKeys() {
    return onTopic;
  }

  @Override
  public synchronized void publish(String key, ClusterState state) {
    published.add(new Published(key, state));
  }

  synchronized List<Published> published() {
    return List.copyOf(published);
  }

  /** One line per record: {@code key -> summary}. */
  List<String> lines() {
    return published().stream().map(p -> p.key() + " -> " + ClusterStateSummary.of(p.state())).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
