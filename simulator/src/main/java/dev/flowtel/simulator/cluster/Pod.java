package dev.flowtel.simulator.cluster;

/** One pod: its workload, the node it runs on, its IP and its host-side veth. */
public record Pod(String name, Workload workload, Node node, int address, String interfaceName, int interfaceIndex) {}
