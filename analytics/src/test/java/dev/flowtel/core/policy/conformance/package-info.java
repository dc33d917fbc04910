/**
 * sig-network's conformance suite for cluster-scoped policies (kubernetes-sigs/network-policy-api, conformance/tests),
 * translated into JUnit on {@link dev.flowtel.core.policy.conformance.Hogwarts}, its cluster: one test per upstream
 * ConformanceTest, its subtests in order, its PokeServer calls as probe lines. All 52 scenario files the suite has had
 * (the v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy files and their v1alpha2 ClusterNetworkPolicy
 * successors) are translated; each resource file names the upstream file it comes from.
 *
 * <table>
 * <caption>Upstream file (conformance/tests/) and the tests that translate it</caption>
 * <tr><th>upstream</th><th>tests</th></tr>
 * <tr><td>admin-network-policy-core-{ingress,egress}-{tcp,udp,sctp}-rules.go, -core-gress-rules.go, -core-priority.go</td>
 *     <td>AdminNetworkPolicyCoreTest</td></tr>
 * <tr><td>admin-network-policy-core-integration.go, -standard-integration.go</td><td>ApiIntegrationTest</td></tr>
 * <tr><td>admin-network-policy-extended-{ingress,egress}-rules.go, baseline-admin-network-policy-extended-egress-rules.go</td>
 *     <td>AdminNetworkPolicyExtendedTest</td></tr>
 * <tr><td>baseline-admin-network-policy-core-{ingress,egress}-{tcp,udp,sctp}-rules.go, -core-gress-rules.go,
 *     -extended-ingress-rules.go, -standard-same-priority.go</td><td>BaselineAdminNetworkPolicyCoreTest</td></tr>
 * <tr><td>admin-network-policy-standard-{ingress,egress}-{tcp,udp,sctp}-rules.go, -standard-gress-rules.go</td>
 *     <td>ClusterNetworkPolicyAdminTierTest</td></tr>
 * <tr><td>admin-network-policy-standard-priority.go</td><td>AdminNetworkPolicyCoreTest (cnpAdminTierPriorityField)</td></tr>
 * <tr><td>admin-network-policy-standard-port-range-rules.go, -same-priority.go, -standard-same-priority.go,
 *     -standard-egress-inline-cidr-rules.go, -standard-ingress-egress-isolation.go, -hairpin-rules.go,
 *     -standard-pod-selector-rules.go; baseline-admin-network-policy-standard-port-range-rules.go,
 *     -standard-egress-inline-cidr-rules.go, -standard-pod-selector-rules.go</td>
 *     <td>ClusterNetworkPolicyStandardTest</td></tr>
 * <tr><td>baseline-admin-network-policy-standard-{ingress,egress}-{tcp,udp,sctp}-rules.go, -standard-gress-rules.go,
 *     -standard-ingress-egress-isolation.go</td><td>ClusterNetworkPolicyBaselineTierTest</td></tr>
 * <tr><td>admin-network-policy-experimental-{ingress,egress}-rules.go,
 *     baseline-admin-network-policy-experimental-{ingress,egress}-rules.go</td><td>ClusterNetworkPolicyExperimentalTest</td></tr>
 * </table>
 *
 * <p>ClusterPolicyBoundariesTest and a few tests marked "Not upstream" check what the API documents and no upstream
 * scenario probes.
 */
package dev.flowtel.core.policy.conformance;
