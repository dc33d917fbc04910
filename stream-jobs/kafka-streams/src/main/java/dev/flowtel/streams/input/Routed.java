package dev.flowtel.streams.input;

/**
 * What processors hand on: a counted flow, a record already bound for an output topic (a dead
 * letter, a window), or one bound for a repartition topic (a failed attempt on its folded edge).
 */
public sealed interface Routed permits DecodedFlow, Outbound, ToRepartition {}
