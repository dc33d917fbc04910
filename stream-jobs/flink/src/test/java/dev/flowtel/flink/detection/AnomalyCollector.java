package dev.flowtel.flink.detection;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Collects what a job wrote, in this JVM (the MiniCluster's), under a name the test chooses. */
final class AnomalyCollector<T> implements Sink<T> {

  private static final long serialVersionUID = 1L;
  private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();
  private final String name;

  AnomalyCollector(String name) {
    this.name = name;
    COLLECTED.put(name, new CopyOnWriteArrayList<>());
  }

  @SuppressWarnings("unchecked")
  List<T> collected() {
    return (List<T>) COLLECTED.get(name);
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
