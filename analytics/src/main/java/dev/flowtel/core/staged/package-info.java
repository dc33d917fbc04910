/**
 * Staged policies: NetworkPolicies evaluated in shadow beside those in force (never enforced, never
 * changing a verdict or an anomaly), counted per staged policy, service edge and traffic window.
 * Staged policies travel on the cluster-state topic as {@code StagedNetworkPolicy/<ns>/<name>}
 * records, written by {@code flowtel policy stage}; a CNI never sees them.
 */
package dev.flowtel.core.staged;
