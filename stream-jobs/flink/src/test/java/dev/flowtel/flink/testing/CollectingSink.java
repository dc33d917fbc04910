package dev.flowtel.flink.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Collects what a job wrote, in this JVM (the MiniCluster's), under a name the test chooses. The
 * records live in a static map because Flink serializes the sink into its tasks: the instance the
 * test holds is not the one that writes.
 */
public final class CollectingSink<T> implements Sink<T> {

  private static final long serialVersionUID = 1L;
  private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();
  private final String name;

  public CollectingSink(String name) {
    this.name = name;
    COLLECTED.put(name, new CopyOnWriteArrayList<>());
  }

  /** What was written so far; the list grows while the job runs. */
  @SuppressWarnings("unchecked")
  public List<T> collected() {
    return (List<T>) COLLECTED.get(name);
  }

  /** What was written, forgotten here: for large runs whose output must not outlive the test. */
  @SuppressWarnings("unchecked")
  public List<T> take() {
    return (List<T>) COLLECTED.remove(name);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    List<Object> target = COLLECTED.get(name);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context context) {
        target.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
