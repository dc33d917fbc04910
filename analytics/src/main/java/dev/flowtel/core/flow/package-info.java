/**
 * What an observed flow is, as detection sees it: a counted flow reduced to its service edge, its
 * 5-tuple, its counters and what policy evaluation needs of both ends ({@link
 * dev.flowtel.core.flow.ObservedFlow}), and the 5-tuple kept as evidence ({@link
 * dev.flowtel.core.flow.FlowSampleView}). The first stop of a flow on its way to the detectors.
 */
package dev.flowtel.core.flow;
