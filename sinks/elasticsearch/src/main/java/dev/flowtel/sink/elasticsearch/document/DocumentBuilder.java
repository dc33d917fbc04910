package dev.flowtel.sink.elasticsearch.document;

import java.io.Serializable;

/** Turns one Flowtel record into the Elasticsearch document that represents it. Serializable so a Flink sink can ship it. */
public interface DocumentBuilder<T> extends Serializable {

  IndexDocument build(T record);
}
