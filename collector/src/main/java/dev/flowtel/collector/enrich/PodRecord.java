package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import java.util.List;
import java.util.Map;

/**
 * What enrichment keeps of a pod, and nothing else: the full object stays in the API server.
 * Strings are shared between pods (see {@link Interner}), so a pod costs its record, its label
 * map and its port list; {@code docs/benchmarks.md} gives the measured bytes per pod.
 *
 * @param addresses its pod IPs ({@code status.podIPs}); for a hostNetwork pod, the node's
 * @param hostAddresses the node's addresses ({@code status.hostIPs})
 * @param owner its controlling owner, or null for a bare pod
 * @param podTemplateHash the {@code pod-template-hash} label, to name the Deployment while its
 *     ReplicaSet is not known yet
 * @param startMillis when it could first hold its IP: {@code status.startTime}, else its creation
 * @param endMillis when it gave its IP back (completed or deleted), or {@code Long.MAX_VALUE}
 */
public record PodRecord(String uid, String namespace, String name, Map<String, String> labels, String node,
    boolean hostNetwork, List<NamedPort> ports, List<IpAddress> addresses, List<IpAddress> hostAddresses, OwnerRef owner,
    String podTemplateHash, long startMillis, long endMillis, String resourceVersion) {

  public static final long OPEN = Long.MAX_VALUE;

  public String key() {
    return namespace + "/" + name;
  }

  public boolean ended() {
    return endMillis != OPEN;
  }

  public PodRecord endedAt(long millis) {
    return new PodRecord(uid, namespace, name, labels, node, hostNetwork, ports, addresses, hostAddresses, owner,
        podTemplateHash, startMillis, Math.max(startMillis, millis), resourceVersion);
  }

  /** Whether one of its containers declares {@code port}/{@code protocol}. */
  public boolean hasPort(int port, int protocol) {
    for (NamedPort p : ports) {
      if (p.port() == port && p.protocol() == protocol) {
        return true;
      }
    }
    return false;
  }

  /** The number of the container port named {@code name} with {@code protocol}, or -1. */
  public int portNamed(String name, int protocol) {
    for (NamedPort p : ports) {
      if (name.equals(p.name()) && p.protocol() == protocol) {
        return p.port();
      }
    }
    return -1;
  }
}
