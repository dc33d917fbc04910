package dev.flowtel.core.policy.recommend;

import dev.flowtel.core.policy.PolicyType;

/**
 * A recommended rule that allows more than the traffic it was written for, and why: the report
 * lists these first, as they are what a reviewer should narrow.
 */
public record BroadRule(String policy, PolicyType direction, int rule, String why) {}
