package dev.flowtel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {

  @Test
  void parsesIpv4AndIpv6AndClearsHostBits() {
    assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    assertThat(Cidr.parse("fd00:0:0:0::1/64").toString()).isEqualTo("fd00::/64");
    assertThat(Cidr.parse("::ffff:10.0.0.1/128").toString()).isEqualTo("::ffff:a00:1/128");
    assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("203.0.113.7"))).isTrue();
    assertThat(Cidr.parse("::/0").contains(IpAddress.parse("203.0.113.7"))).isFalse();
  }

  @Test
  void containment() {
    Cidr net = Cidr.parse("192.168.4.0/22");
    assertThat(net.contains(IpAddress.parse("192.168.7.255"))).isTrue();
    assertThat(net.contains(IpAddress.parse("192.168.8.0"))).isFalse();
    assertThat(net.contains(Cidr.parse("192.168.5.0/24"))).isTrue();
    assertThat(net.contains(Cidr.parse("192.168.0.0/16"))).isFalse();
    assertThat(Cidr.parse("2001:db8::/32").contains(IpAddress.parse("2001:db8:ffff::1"))).isTrue();
    assertThat(Cidr.parse("2001:db8::/32").contains(IpAddress.parse("2001:db9::1"))).isFalse();
  }

  @Test
  void errorsSayWhatIsWrong() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33"))
        .hasMessage("\"10.0.0.0/33\" is not a CIDR: an IPv4 prefix length is at most 32");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0"))
        .hasMessage("\"10.0.0.0\" is not a CIDR: it needs a /prefix length, e.g. 10.0.0.0/32");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.256/8"))
        .hasMessage("\"10.0.0.256/8\" is not a CIDR: \"10.0.0.256\" is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> Cidr.parse("fd00::/129"))
        .hasMessage("\"fd00::/129\" is not a CIDR: an IPv6 prefix length is at most 128");
    assertThatThrownBy(() -> Cidr.parse("example.com/8"))
        .hasMessage("\"example.com/8\" is not a CIDR: \"example.com\" is not an IPv4 or IPv6 address");
  }

  @Test
  void exceptMustBeAStrictSubset() {
    assertThatThrownBy(() -> PolicyPeer.IpBlock.of("10.0.0.0/16", "10.1.0.0/24"))
        .hasMessage("except 10.1.0.0/24 is not inside 10.0.0.0/16 (it must be a strict subset)");
    assertThatThrownBy(() -> PolicyPeer.IpBlock.of("10.0.0.0/16", "10.0.0.0/16"))
        .hasMessageContaining("strict subset");
  }
}
