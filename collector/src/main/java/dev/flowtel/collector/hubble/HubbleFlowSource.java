package dev.flowtel.collector.hubble;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.core.source.FlowSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cilium Hubble's flow export as a flow source ({@code --source hubble:<file>} or
 * {@code hubble:-} for stdin), so Cilium users feed Flowtel without Flowtel's eBPF: pipe
 * {@code hubble observe --follow -o jsonpb} in, or point it at the Hubble exporter's file. Reads
 * to the end of the input, one flow per line (mapping in {@link HubbleFlowMapper}). A line that is
 * not a flow Flowtel can read is logged with its line number, counted, and skipped; it never stops
 * the source.
 */
public final class HubbleFlowSource implements FlowSource {

  private static final Logger LOG = LoggerFactory.getLogger(HubbleFlowSource.class);
  /** Every malformed line is counted; only the first ones and then every thousandth are logged. */
  private static final int LOGGED_LINES = 20;

  private final String origin;
  private final InputStreamOpener input;
  private final HubbleFlowMapper mapper;
  private final CollectorMetrics metrics;
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong flows = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong otherEvents = new AtomicLong();
  private final List<String> malformedReports = new CopyOnWriteArrayList<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile InputStream open;
  private volatile Throwable failure;
  private Thread thread;

  /** Opens the input when the source starts. */
  @FunctionalInterface
  public interface InputStreamOpener {
    InputStream open() throws IOException;
  }

  public HubbleFlowSource(String origin, InputStreamOpener input, String nodeName, CollectorMetrics metrics) {
    this.origin = origin;
    this.input = input;
    this.mapper = new HubbleFlowMapper(nodeName);
    this.metrics = metrics;
  }

  /** {@code -} reads stdin; anything else is a file path. */
  public static HubbleFlowSource of(String fileOrDash, String nodeName, CollectorMetrics metrics) {
    if (fileOrDash.equals("-")) {
      return new HubbleFlowSource("stdin", () -> System.in, nodeName, metrics);
    }
    Path file = Path.of(fileOrDash);
    return new HubbleFlowSource(file.toString(), () -> Files.newInputStream(file), nodeName, metrics);
  }

  @Override
  public String name() {
    return "hubble";
  }

  @Override
  public synchronized void start(FlowSink sink) throws IOException {
    if (thread != null) {
      throw new IllegalStateException("hubble source already started");
    }
    InputStream in;
    try {
      in = input.open();
    } catch (IOException e) {
      throw new IOException("--source hubble:" + origin + ": cannot open: " + e.getMessage()
          + " (give a readable file of Hubble JSON lines, or - for stdin)", e);
    }
    open = in;
    thread = Thread.ofPlatform().name("flowtel-hubble-source").daemon(true).start(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
        String line;
        while (!stopping && (line = reader.readLine()) != null) {
          long number = lines.incrementAndGet();
          if (line.isBlank()) {
            continue;
          }
          Optional<HubbleFlowMapper.HubbleFlow> flow;
          try {
            flow = mapper.map(line);
          } catch (HubbleLineException e) {
            long count = malformed.incrementAndGet();
            metrics.hubbleMalformedLine();
            if (count <= LOGGED_LINES) {
              malformedReports.add("line " + number + ": " + e.getMessage());
            }
            if (count <= LOGGED_LINES || count % 1000 == 0) {
              LOG.warn("hubble {} line {}: {}; line skipped ({} skipped so far)", origin, number, e.getMessage(), count);
            }
            continue;
          }
          if (flow.isPresent()) {
            flows.incrementAndGet();
            sink.flow(flow.get().flow(), flow.get().partitionKey());
          } else {
            otherEvents.incrementAndGet();
          }
        }
      } catch (IOException e) {
        if (!stopping) {
          failure = new UncheckedIOException("hubble " + origin + ": read failed after line " + lines.get() + ": " + e.getMessage(), e);
          LOG.error("{}", failure.getMessage());
        }
      } catch (RuntimeException e) {
        failure = e;
        LOG.error("hubble {}: stopped at line {}: {}", origin, lines.get(), e.toString(), e);
      } finally {
        LOG.info("hubble {}: {} lines read, {} flows, {} other events, {} malformed lines skipped", origin, lines.get(),
            flows.get(), otherEvents.get(), malformed.get());
        finished.countDown();
      }
    });
  }

  @Override
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return awaitCompletion(timeout);
  }

  /** True when the input ended within {@code timeout}; rethrows a failure of the reader or the sink. */
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    boolean done = finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (failure != null) {
      throw new IllegalStateException(failure.getMessage(), failure);
    }
    return done;
  }

  public long linesRead() {
    return lines.get();
  }

  public long flowsRead() {
    return flows.get();
  }

  public long malformedLines() {
    return malformed.get();
  }

  /** "line N: reason" for the first malformed lines. */
  public List<String> malformedReports() {
    return List.copyOf(malformedReports);
  }

  /** node_status, lost_events and other lines that are well-formed but carry no flow. */
  public long otherEvents() {
    return otherEvents.get();
  }

  @Override
  public void close() {
    stopping = true;
    if (thread == null) {
      return;
    }
    InputStream in = open;
    if (in != null && in != System.in) {
      try {
        in.close(); // unblocks a read on a pipe or file
      } catch (IOException ignored) {
        // closing on the way out
      }
    }
    try {
      finished.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
