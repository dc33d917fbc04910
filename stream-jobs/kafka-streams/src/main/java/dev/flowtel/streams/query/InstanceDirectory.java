package dev.flowtel.streams.query;

import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The application's other instances, as Kafka Streams knows them from the group's assignment: the
 * {@code application.server} ({@code --advertised-http}) of every member but this one. Members
 * without an HTTP server advertise none and cannot be asked.
 */
public final class InstanceDirectory {

  private final KafkaStreams streams;
  private final HostInfo self;

  public InstanceDirectory(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  /** {@code host:port} as a URI or {@code application.server} takes it: an IPv6 host in brackets. */
  public static String authority(HostInfo instance) {
    String host = instance.host().contains(":") ? '[' + instance.host() + ']' : instance.host();
    return host + ':' + instance.port();
  }

  public List<HostInfo> otherInstances() {
    return streams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo)
        .filter(host -> !host.equals(self) && !host.equals(HostInfo.unavailable())).distinct().toList();
  }
}
