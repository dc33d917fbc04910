package dev.flowtel.testing;

/** The Kafka broker a test talks to: a real local KRaft broker, or a Testcontainers one with -Dflowtel.it.containers=true. */
public interface KafkaFixture {

  String bootstrapServers();

  /** Takes the broker away (its data is kept) until {@link #start()}; for outage tests. */
  void stop();

  /** Brings the broker back on the same address after {@link #stop()}. */
  void start();
}
