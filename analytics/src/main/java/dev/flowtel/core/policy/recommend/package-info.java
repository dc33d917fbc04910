/**
 * {@code policy recommend}: least-privilege NetworkPolicies from observed traffic, each rule with
 * its evidence, written as manifests for {@code kubectl apply}, and compared with the policies in
 * force. Engine-agnostic: observed edges and the cluster inventory come in, policies and a report
 * go out; where they come from (Elasticsearch, Kafka, files) is the CLI's business.
 */
package dev.flowtel.core.policy.recommend;
