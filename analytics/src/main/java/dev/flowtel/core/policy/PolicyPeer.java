package dev.flowtel.core.policy;

import java.util.List;

/**
 * One entry of a rule's {@code from} or {@code to}: either pods chosen by selectors, or an IP block.
 * Kubernetes allows no mix of the two in one entry.
 */
public sealed interface PolicyPeer {

  /**
   * Pods matching {@code podSelector} in the namespaces matching {@code namespaceSelector}: both
   * must hold (an AND inside one peer). A null {@code namespaceSelector} means the policy's own
   * namespace; a null {@code podSelector} means every pod.
   */
  record Pods(LabelSelector namespaceSelector, LabelSelector podSelector) implements PolicyPeer {

    public Pods {
      if (namespaceSelector == null && podSelector == null) {
        throw new IllegalArgumentException("a peer needs a podSelector, a namespaceSelector or an ipBlock");
      }
    }

    public static Pods inPolicyNamespace(LabelSelector podSelector) {
      return new Pods(null, podSelector);
    }

    public static Pods inNamespaces(LabelSelector namespaceSelector) {
      return new Pods(namespaceSelector, null);
    }
  }

  /** Addresses in {@code cidr} but in none of {@code except}. */
  record IpBlock(Cidr cidr, List<Cidr> except) implements PolicyPeer {

    public IpBlock {
      except = List.copyOf(except);
      for (Cidr carved : except) {
        // The API server demands a strict subset; anything else is a policy it would have refused.
        if (carved.version() != cidr.version() || !cidr.contains(carved) || carved.equals(cidr)) {
          throw new IllegalArgumentException("except " + carved + " is not inside " + cidr + " (it must be a strict subset)");
        }
      }
    }

    public static IpBlock of(String cidr, String... except) {
      return new IpBlock(Cidr.parse(cidr), List.of(except).stream().map(Cidr::parse).toList());
    }

    public boolean matches(IpAddress address) {
      if (!cidr.contains(address)) {
        return false;
      }
      for (Cidr carved : except) {
        if (carved.contains(address)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return except.isEmpty() ? cidr.toString() : cidr + " except " + except;
    }
  }
}
