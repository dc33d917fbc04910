package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * One {@code ./flowtel up} as a test runs it: in a thread of its own, as {@code ./flowtel}'s main
 * thread (on two cores the common ForkJoinPool has one worker, and Flink's RPC needs it while the
 * command sleeps through --duration), with what it prints both on the console and kept for
 * assertions. A test waits for states in what up prints or serves, never for time to pass, and ends
 * the bounded run early with an interrupt, as {@link UpCommand} documents.
 */
final class UpRun implements AutoCloseable {

  /** The live view's status line: flows (group 1) and edges out (group 2). */
  private static final Pattern STATUS_LINE = Pattern.compile(
      "flows ([\\d,]+) \\([^)]*\\) \\| windows out [\\d,]+ on ([\\d,]+) edges \\| anomalies [\\d,]+ \\| documents in Elasticsearch");

  private final Duration atMost;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream console = System.out;
  private final FutureTask<Integer> exit;
  private final Thread thread;

  private UpRun(Duration atMost, String... arguments) {
    this.atMost = atMost;
    String[] command = new String[arguments.length + 1];
    command[0] = "up";
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    System.setOut(new PrintStream(new TeeStream(console, printed), true));
    exit = new FutureTask<>(() -> new CommandLine(new FlowtelCommand()).execute(command));
    thread = new Thread(exit, "flowtel-up");
    thread.start();
  }

  /**
   * Starts {@code ./flowtel up} with these arguments. {@code atMost} is a safety net only: every wait
   * ends when its state is reached.
   */
  static UpRun start(Duration atMost, String... arguments) {
    return new UpRun(atMost, arguments);
  }

  /** Everything up printed so far. */
  String printed() {
    return printed.toString();
  }

  /** The live view's latest status line. */
  Optional<String> lastStatus() {
    Matcher m = STATUS_LINE.matcher(printed());
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    return Optional.ofNullable(last);
  }

  static long flows(String statusLine) {
    return number(statusLine, 1);
  }

  static long edges(String statusLine) {
    return number(statusLine, 2);
  }

  private static long number(String statusLine, int group) {
    Matcher m = STATUS_LINE.matcher(statusLine);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(group).replace(",", ""));
  }

  /** Polls {@code state} until it holds; fails at once, with what up printed, when up ended first. */
  void until(BooleanSupplier state, String what) throws InterruptedException {
    forValue(() -> state.getAsBoolean() ? Boolean.TRUE : null, what);
  }

  /** Polls {@code state} until it gives a value; fails as {@link #until} does. */
  <T> T forValue(Supplier<T> state, String what) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      T value = state.get();
      if (value != null) {
        return value;
      }
      if (exit.isDone()) {
        throw new AssertionError("up ended before " + what + ":\n" + printed());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " after " + atMost.toMinutes() + " min:\n" + printed());
      }
      Thread.sleep(200);
    }
  }

  /** Ends the run as Ctrl-C would and returns up's exit code. */
  int stop() throws InterruptedException, ExecutionException, TimeoutException {
    thread.interrupt();
    return exit.get(atMost.toSeconds(), TimeUnit.SECONDS);
  }

  /** Stops up if a failed check left it running (its servers must stop all the same). */
  @Override
  public void close() throws Exception {
    try {
      if (!exit.isDone()) {
        stop();
      }
    } finally {
      System.setOut(console);
    }
  }

  /** The body of a GET that must answer 200. */
  static String get(String url) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }
}
