package dev.flowtel.flink.upgrade;

import dev.flowtel.testing.InputProducer;
import dev.flowtel.testing.NewTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One job's run of an old jar, as committed under {@code src/test/resources/savepoints/<commit>/<job>/}:
 * its savepoint ({@code _metadata.gz}), the input it read, how much of that input was on the topics
 * when it stopped ({@code cut.txt}), and what it had written by then ({@code output-before-savepoint.txt}).
 * The README beside them says how they were made.
 */
final class SavedRun {

  /** A Kafka record of the input: its partition, timestamp and key (null when the old run set none) and value. */
  record InputRecord(int partition, Long timestamp, byte[] key, byte[] value) {

    ProducerRecord<byte[], byte[]> to(String topic) {
      return new ProducerRecord<>(topic, partition, timestamp, key, value);
    }
  }

  private final Path dir;

  private SavedRun(Path dir) {
    this.dir = dir;
  }

  static SavedRun of(String commit, String job) {
    String resource = "/savepoints/" + commit + "/" + job + "/_metadata.gz";
    URL metadata = SavedRun.class.getResource(resource);
    if (metadata == null) {
      throw new IllegalStateException("no " + resource + " on the test classpath (src/test/resources)");
    }
    try {
      return new SavedRun(Path.of(metadata.toURI()).getParent());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(resource + ": " + e.getMessage(), e);
    }
  }

  /**
   * The savepoint, unpacked into {@code workDir} (it is committed gzipped: its state is inline in
   * {@code _metadata}, which packs to a tenth), as a path for {@code SavepointRestoreSettings.forPath}.
   */
  String savepointPath(Path workDir) {
    Path savepoint = workDir.resolve("savepoint");
    try (var in = new GZIPInputStream(Files.newInputStream(dir.resolve("_metadata.gz")))) {
      Files.createDirectories(savepoint);
      Files.copy(in, savepoint.resolve("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not unpack " + dir.resolve("_metadata.gz"), e);
    }
    return savepoint.toUri().toString();
  }

  /** Records of {@code name} (a gzipped text file, a line per record: partition, timestamp, key, value; - for none, Base64 otherwise). */
  List<InputRecord> input(String name) {
    Base64.Decoder b64 = Base64.getDecoder();
    List<InputRecord> records = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(dir.resolve(name))),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(" ");
        records.add(new InputRecord(Integer.parseInt(f[0]), f[1].equals("-") ? null : Long.valueOf(f[1]),
            f[2].equals("-") ? null : b64.decode(f[2]), b64.decode(f[3])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + dir.resolve(name), e);
    }
    return records;
  }

  /** How many of the flows the old run's topic held when the savepoint was taken: the offsets in the savepoint count them. */
  int flowsAtSavepoint() {
    return Integer.parseInt(read("cut.txt").trim());
  }

  /** The values the old run had committed to its output topic by the savepoint (gzipped, a line per value, Base64). */
  List<byte[]> outputBeforeSavepoint() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Files.newInputStream(dir.resolve("output-before-savepoint.txt.gz"))), StandardCharsets.UTF_8))) {
      return in.lines().filter(l -> !l.isBlank()).map(Base64.getDecoder()::decode).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + dir.resolve("output-before-savepoint.txt.gz"), e);
    }
  }

  private String read(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + dir.resolve(name), e);
    }
  }

  /** The offsets of each of {@code partitions} partitions of {@code topic} once {@code records} are on it (from a new topic's start). */
  static Map<TopicPartition, Long> ends(String topic, int partitions, List<InputRecord> records) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      ends.put(new TopicPartition(topic, p), 0L);
    }
    records.forEach(r -> ends.merge(new TopicPartition(topic, r.partition()), 1L, Long::sum));
    return ends;
  }

  /**
   * Creates {@code topics} afresh: the savepoint's source splits name the old run's topics and
   * offsets, so the test gives them the same names and, by producing the same records in the same
   * order to new topics, the same offsets. A topic left by an earlier run on this broker is deleted
   * first, and its deletion awaited.
   */
  static void recreate(String bootstrap, List<NewTopic> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<String> names = topics.stream().map(NewTopic::name).toList();
      Set<String> existing = admin.listTopics().names().get();
      List<String> old = names.stream().filter(existing::contains).toList();
      if (!old.isEmpty()) {
        admin.deleteTopics(old).all().get();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (admin.listTopics().names().get().stream().anyMatch(old::contains)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("topics " + old + " still exist 60 s after their deletion");
          }
          Thread.sleep(100);
        }
      }
      NewTopics.create(admin, topics);
    }
  }

  static void produce(String bootstrap, String topic, List<InputRecord> records) {
    try (var producer = InputProducer.create(bootstrap)) {
      records.forEach(r -> producer.send(r.to(topic)));
    }
  }
}
