package dev.flowtel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outage tests elsewhere stop and start the shared servers; this shows that doing so keeps the
 * address and the data, so "the broker was away for 30 s" means just that.
 */
@WithKafka
@WithElasticsearch
@Timeout(300)
class ServerOutageIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRestartedBrokerKeepsItsAddressAndItsRecords(KafkaFixture kafka) throws Exception {
    String topic = "outage-" + UUID.randomUUID();
    String before = kafka.bootstrapServers();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", before, "acks", "all"),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "before the outage")).get(30, TimeUnit.SECONDS);
    }

    kafka.stop();
    kafka.start();

    assertThat(kafka.bootstrapServers()).isEqualTo(before);
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", before, "acks", "all"),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "after the outage")).get(30, TimeUnit.SECONDS);
    }
    List<String> values = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", before, "group.id", "outage",
        "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < 2 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    assertThat(values).containsExactly("before the outage", "after the outage");
  }

  @Test
  void aRestartedElasticsearchKeepsItsAddressAndItsDocuments(ElasticsearchFixture elasticsearch) throws Exception {
    String index = "outage-" + UUID.randomUUID();
    String url = elasticsearch.url();
    assertThat(send("PUT", url + "/" + index + "/_doc/1?refresh=true", "{\"n\":1}").statusCode()).isEqualTo(201);

    elasticsearch.stop();
    assertThat(reachable(url)).isFalse();
    elasticsearch.start();

    assertThat(elasticsearch.url()).isEqualTo(url);
    HttpResponse<String> found = send("GET", url + "/" + index + "/_doc/1", null);
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.body()).contains("\"n\":1");
  }

  private boolean reachable(String url) {
    try {
      send("GET", url + "/_cluster/health", null);
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
