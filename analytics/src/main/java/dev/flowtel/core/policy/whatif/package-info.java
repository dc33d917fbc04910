/**
 * {@code policy what-if}: observed history replayed through the NetworkPolicy engine against a
 * proposed policy set, reporting per workload and edge what the change would deny or allow that
 * the policies in force did not. Engine-agnostic, like {@code policy.recommend}.
 */
package dev.flowtel.core.policy.whatif;
