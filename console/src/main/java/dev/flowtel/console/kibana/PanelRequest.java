package dev.flowtel.console.kibana;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The search one Kibana panel issues for a time range.
 *
 * @param id the saved object's id, e.g. {@code flowtel-traffic-top-edges}
 * @param indexPattern the data view's pattern under the index prefix in use, e.g. {@code flowtel-traffic-*}
 * @param body the search body: the panel's aggregations named by their Kibana agg ids, its KQL and the time filter
 */
public record PanelRequest(String id, String title, String indexPattern, ObjectNode body) {}
