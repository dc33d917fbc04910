/**
 * Which NetworkPolicies were in force when, and the judgement of a request flow by them: the
 * cluster-state records read into versions ({@link dev.flowtel.core.judgement.ClusterStateVersions}),
 * the policies in force over event time ({@link dev.flowtel.core.judgement.PolicyTimeline}) and the
 * verdict the detectors get ({@link dev.flowtel.core.judgement.PolicyJudgement}). The policy
 * semantics themselves are {@code core.policy}'s.
 */
package dev.flowtel.core.judgement;
