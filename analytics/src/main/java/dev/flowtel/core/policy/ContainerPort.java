package dev.flowtel.core.policy;

/** A named container port of a pod, against which a policy's named port is resolved. */
public record ContainerPort(String name, int port, Protocol protocol) {}
