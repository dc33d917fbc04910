package dev.flowtel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** CIDR containment against a slow, obviously right model: BigInteger bit comparisons. */
class CidrProperties {

  @Provide
  Arbitrary<byte[]> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4);
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16);
  }

  private static boolean firstBitsEqual(byte[] a, byte[] b, int n) {
    int bits = a.length * 8;
    BigInteger x = new BigInteger(1, a).shiftRight(bits - n);
    BigInteger y = new BigInteger(1, b).shiftRight(bits - n);
    return x.equals(y);
  }

  @Property
  void anIpv4AddressIsInsideIffItsFirstBitsAreEqual(@ForAll("ipv4") byte[] network, @ForAll("ipv4") byte[] address,
      @ForAll @IntRange(min = 0, max = 32) int prefix) {
    Cidr cidr = new Cidr(IpAddress.ofBytes(network), prefix);
    assertThat(cidr.contains(IpAddress.ofBytes(address))).isEqualTo(firstBitsEqual(network, address, prefix));
  }

  @Property
  void anIpv6AddressIsInsideIffItsFirstBitsAreEqual(@ForAll("ipv6") byte[] network, @ForAll("ipv6") byte[] address,
      @ForAll @IntRange(min = 0, max = 128) int prefix) {
    Cidr cidr = new Cidr(IpAddress.ofBytes(network), prefix);
    assertThat(cidr.contains(IpAddress.ofBytes(address))).isEqualTo(firstBitsEqual(network, address, prefix));
  }

  @Property
  void aNetworkContainsItsOwnAddressAndIpv4NeverMatchesIpv6(@ForAll("ipv4") byte[] v4, @ForAll("ipv6") byte[] v6,
      @ForAll @IntRange(min = 0, max = 32) int prefix) {
    Cidr cidr = new Cidr(IpAddress.ofBytes(v4), prefix);
    assertThat(cidr.contains(IpAddress.ofBytes(v4))).isTrue();
    assertThat(cidr.contains(IpAddress.ofBytes(v6))).isFalse();
  }

  @Property
  void textRoundTrips(@ForAll("ipv6") byte[] v6, @ForAll("ipv4") byte[] v4, @ForAll @IntRange(min = 0, max = 128) int prefix) {
    Cidr six = new Cidr(IpAddress.ofBytes(v6), prefix);
    assertThat(Cidr.parse(six.toString())).isEqualTo(six);
    Cidr four = new Cidr(IpAddress.ofBytes(v4), prefix % 33);
    assertThat(Cidr.parse(four.toString())).isEqualTo(four);
  }

  @Property
  void exceptCarvesOutExactlyItsAddresses(@ForAll("ipv4") byte[] address, @ForAll @IntRange(min = 8, max = 24) int outer,
      @ForAll @IntRange(min = 1, max = 8) int deeper, @ForAll("ipv4") byte[] probe) {
    Cidr wide = new Cidr(IpAddress.ofBytes(address), outer);
    Cidr carved = new Cidr(IpAddress.ofBytes(address), outer + deeper);
    PolicyPeer.IpBlock block = new PolicyPeer.IpBlock(wide, List.of(carved));
    IpAddress ip = IpAddress.ofBytes(probe);
    assertThat(block.matches(ip)).isEqualTo(wide.contains(ip) && !carved.contains(ip));
  }

  @Property
  void ipv6ExceptCarvesOutExactlyItsAddresses(@ForAll("ipv6") byte[] address, @ForAll @IntRange(min = 0, max = 120) int outer,
      @ForAll @IntRange(min = 1, max = 8) int deeper, @ForAll("ipv6") byte[] probe) {
    Cidr wide = new Cidr(IpAddress.ofBytes(address), outer);
    Cidr carved = new Cidr(IpAddress.ofBytes(address), outer + deeper);
    IpAddress inside = IpAddress.ofBytes(address);
    PolicyPeer.IpBlock block = new PolicyPeer.IpBlock(wide, List.of(carved));
    assertThat(block.matches(inside)).isFalse();
    IpAddress ip = IpAddress.ofBytes(probe);
    assertThat(block.matches(ip)).isEqualTo(wide.contains(ip) && !carved.contains(ip));
  }
}
