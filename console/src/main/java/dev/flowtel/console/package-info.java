/**
 * The web console ({@code ./flowtel console}, also started by {@code ./flowtel up}): the service
 * map and the anomalies, read from what the pipeline wrote to Elasticsearch, and the live range
 * from the traffic topic's tail when Kafka is given. The server aggregates (top edges, counts) so
 * the browser only draws what fits the screen.
 */
package dev.flowtel.console;
