package dev.flowtel.collector.publish;

import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.collector.spool.SpoolSettings;
import dev.flowtel.testing.CommittedRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the publisher wrote, read back from the broker by tests. They read once the state that
 * guarantees everything was sent holds (every record handed over acknowledged, nothing left in the
 * spool), so each partition's end offset is final: reading stops there instead of after a quiet
 * spell, and a duplicate is read like any other record.
 *
 * <p>A shared copy belongs in test-fixtures (stream-jobs' KafkaTopics.readCommitted does the same
 * with read_committed).
 */
public final class PublishedTopics {

  /** The limit for the broker to answer and serve what it already holds; a passing run takes a fraction of it. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private PublishedTopics() {}

  /** Every record of {@code topic}, each partition's in offset order, from the beginning to the end offsets read now. */
  public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrapServers, String topic) {
    return CommittedRecords.readToEnd(bootstrapServers, topic, LIMIT);
  }

  /**
   * Collector options for a test that reads the topic after {@code close()}: the publisher waits for
   * topic metadata, acknowledgements and its shutdown (each up to a minute) instead of spooling what a
   * busy broker is slow to take, since spooled records are only sent by a next run, which a test does
   * not have. Spilling itself is CollectorBrokerOutageIT's subject.
   */
  public static List<String> patientPublisherOptions(Path scratch) throws IOException {
    Path properties = Files.writeString(Files.createTempFile(scratch, "patient-producer-", ".properties"), "max.block.ms=60000\n");
    return List.of("--kafka-properties", properties.toString(), "--spill-after", "60s", "--shutdown-timeout", "60s");
  }

  /** Records a closed publisher left in {@code spoolDirectory} for the next run. */
  public static long leftInSpool(Path spoolDirectory) {
    try (DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(spoolDirectory))) {
      return spool.pendingRecords();
    }
  }
}
