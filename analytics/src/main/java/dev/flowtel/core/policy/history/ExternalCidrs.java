package dev.flowtel.core.policy.history;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.schema.NetworkClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * External addresses as ipBlocks: each its own /32 or /128, except that more than a threshold of
 * them in one /24 (IPv4) or /64 (IPv6) become that prefix; and the ranges of a network class when
 * the addresses are not known.
 */
public final class ExternalCidrs {

  /** RFC 1918, the PRIVATE class as the collector's defaults configure it. */
  public static final List<Cidr> PRIVATE_V4 = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"),
      Cidr.parse("192.168.0.0/16"));

  private static final Comparator<Cidr> ORDER = Comparator.comparingInt(Cidr::version)
      .thenComparingLong(c -> c.network().high()).thenComparingLong(c -> c.network().low())
      .thenComparingInt(Cidr::prefixLength);

  private ExternalCidrs() {}

  /** The narrowest CIDRs for these addresses, aggregated per /24 or /64 above {@code aggregateAbove} addresses. */
  public static List<Cidr> of(Collection<IpAddress> addresses, int aggregateAbove) {
    Map<Cidr, List<IpAddress>> byPrefix = new TreeMap<>(ORDER);
    for (IpAddress raw : addresses) {
      IpAddress address = raw.unmapped();
      byPrefix.computeIfAbsent(new Cidr(address, address.version() == 4 ? 24 : 64), p -> new ArrayList<>()).add(address);
    }
    List<Cidr> cidrs = new ArrayList<>();
    byPrefix.forEach((prefix, members) -> {
      List<IpAddress> distinct = members.stream().distinct().toList();
      if (distinct.size() > aggregateAbove) {
        cidrs.add(prefix);
      } else {
        distinct.forEach(a -> cidrs.add(new Cidr(a, a.bits())));
      }
    });
    cidrs.sort(ORDER);
    return cidrs;
  }

  /** ipBlocks of these CIDRs, in order. */
  public static List<PolicyPeer> blocks(List<Cidr> cidrs) {
    return cidrs.stream().<PolicyPeer>map(c -> new PolicyPeer.IpBlock(c, List.of())).toList();
  }

  /**
   * The ranges of a network class as ipBlocks: PRIVATE is RFC 1918, PUBLIC is 0.0.0.0/0 except
   * RFC 1918. Empty for any other class, which no range describes.
   */
  public static List<PolicyPeer> classRanges(NetworkClass networkClass) {
    return switch (networkClass) {
      case PRIVATE -> blocks(PRIVATE_V4);
      case PUBLIC -> List.of(new PolicyPeer.IpBlock(Cidr.parse("0.0.0.0/0"), PRIVATE_V4));
      default -> List.of();
    };
  }
}
