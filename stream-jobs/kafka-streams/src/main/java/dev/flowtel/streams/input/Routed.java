package dev.flowtel.streams.input;

/** What the flow decoder hands on: a counted flow, or a record already bound for an output topic (a dead letter). */
public sealed interface Routed permits DecodedFlow, Outbound {}
