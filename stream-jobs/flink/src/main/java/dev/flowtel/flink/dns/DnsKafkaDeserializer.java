package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.core.dns.activity.DnsExchange;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads flowtel.dns.v1: decodes each DnsTransaction inside the source into what the jobs use of it,
 * and turns bytes that are no DnsTransaction into a dead letter naming why, with Kafka's topic,
 * partition and offset, as the flows source does.
 */
public final class DnsKafkaDeserializer implements KafkaRecordDeserializationSchema<DnsInput> {

  private static final long serialVersionUID = 1L;

  private final String producer;
  private transient WireCodec<DnsTransaction> codec;
  private transient Counter transactionsIn;
  private transient Counter undecodable;

  /** @param producer the job's name, written to dead letters' producer header */
  public DnsKafkaDeserializer(String producer) {
    this.producer = producer;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec = WireCodec.of(RecordType.DNS_TRANSACTION);
    transactionsIn = context.getMetricGroup().counter("dnsTransactionsIn");
    undecodable = context.getMetricGroup().counter("dnsUndecodable");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DnsInput> out) {
    transactionsIn.inc();
    DnsInput input = read(codec, record.key(), record.value(), record.topic(), record.partition(), record.offset(), producer);
    if (input.deadLetter() != null) {
      undecodable.inc();
    }
    out.collect(input);
  }

  /** One record's input: decoded, or a dead letter with the codec's reason and detail. */
  static DnsInput read(WireCodec<DnsTransaction> codec, byte[] key, byte[] value, String topic, int partition,
      long offset, String producer) {
    DecodeResult<DnsTransaction> decoded = codec.decode(value);
    if (decoded instanceof DecodeResult.Failed<DnsTransaction> failed) {
      return DnsInput.dead(new DeadLetter(key, value, failed.cause().reason(), failed.detail(), topic, partition, offset,
          producer));
    }
    DnsTransaction transaction = decoded.orElseThrow();
    return new DnsInput(DnsExchange.of(transaction), DnsQuery.of(transaction), value, null);
  }

  @Override
  public TypeInformation<DnsInput> getProducedType() {
    return TypeInformation.of(DnsInput.class);
  }
}
