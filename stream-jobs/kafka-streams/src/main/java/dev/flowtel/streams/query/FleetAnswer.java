package dev.flowtel.streams.query;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An answer for the whole application, and the instances ({@code host:port}) that could not give
 * their share, with why: when there are any, the answer is partial.
 */
public record FleetAnswer<T>(T answer, Map<String, String> failedInstances) {

  public FleetAnswer {
    failedInstances = Collections.unmodifiableMap(new TreeMap<>(failedInstances));
  }

  public boolean partial() {
    return !failedInstances.isEmpty();
  }

  /** The same answer in another form (e.g. its JSON), with the same failed instances. */
  public <U> FleetAnswer<U> map(Function<T, U> form) {
    return new FleetAnswer<>(form.apply(answer), failedInstances);
  }
}
