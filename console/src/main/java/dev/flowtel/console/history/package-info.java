/**
 * Policy history from Elasticsearch: the service edges observed over a period, summed from the
 * traffic windows the sink wrote, and the anomalies open during it, in the shared vocabulary of
 * {@code dev.flowtel.core.policy.history} that policy recommendation and replay read.
 */
package dev.flowtel.console.history;
