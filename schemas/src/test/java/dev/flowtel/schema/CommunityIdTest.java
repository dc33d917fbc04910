package dev.flowtel.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The published vectors of the Community ID spec (corelight/community-id-spec, baseline). */
class CommunityIdTest {

  private final CommunityId communityId = new CommunityId();

  @Test
  void tcpVectorGivesTheSameIdInBothDirections() {
    byte[] client = ipv4("128.232.110.120");
    byte[] server = ipv4("66.35.250.204");

    assertThat(communityId.of(client, server, 6, 34855, 80)).isEqualTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    assertThat(communityId.of(server, client, 6, 80, 34855)).isEqualTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
  }

  @Test
  void udpVector() {
    byte[] client = ipv4("192.168.1.52");
    byte[] resolver = ipv4("8.8.8.8");

    assertThat(communityId.of(client, resolver, 17, 54585, 53)).isEqualTo("1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
    assertThat(communityId.of(resolver, client, 17, 53, 54585)).isEqualTo("1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
  }

  @Test
  void icmpEchoRequestAndReplyShareTheVectorsId() {
    byte[] pinger = ipv4("192.168.0.89");
    byte[] router = ipv4("192.168.0.1");

    assertThat(communityId.of(pinger, router, 1, 8, 0)).isEqualTo("1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    assertThat(communityId.of(router, pinger, 1, 0, 0)).isEqualTo("1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
  }

  /**
   * Every vector of the spec's baseline/baseline_deflt.json (seed 0, base64). The spec lists ICMP
   * port-equivalents (type and counterpart); this API takes the type and code as the packet has
   * them, which is what the third and fourth columns hold here.
   */
  @ParameterizedTest(name = "{0} > {1} proto {2} ({3}, {4})")
  @CsvSource({
      "fe80::200:86ff:fe05:80da, fe80::260:97ff:fe07:69ea, 58, 135, 0, 1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
      "fe80::260:97ff:fe07:69ea, fe80::200:86ff:fe05:80da, 58, 136, 0, 1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
      "fe80::260:97ff:fe07:69ea, fe80::200:86ff:fe05:80da, 58, 135, 0, 1:zavyT/cezQr1fmImYCwYnMXbgck=",
      "fe80::200:86ff:fe05:80da, fe80::260:97ff:fe07:69ea, 58, 136, 0, 1:zavyT/cezQr1fmImYCwYnMXbgck=",
      "3ffe:501:1800:2345::2, 3ffe:507:0:1:200:86ff:fe05:80da, 58, 3, 0, 1:2ObVBgIn28oZvibYZhZMBgh7WdQ=",
      "3ffe:501:410:0:2c0:dfff:fe47:33e, 3ffe:507:0:1:200:86ff:fe05:80da, 58, 1, 4, 1:hLZd0XGWojozrvxqE0dWB1iM6R0=",
      "3ffe:507:0:1:200:86ff:fe05:80da, 3ffe:501:0:1001::2, 58, 128, 0, 1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
      "3ffe:501:0:1001::2, 3ffe:507:0:1:200:86ff:fe05:80da, 58, 129, 0, 1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
      "fe80::200:86ff:fe05:80da, ff02::2, 58, 133, 0, 1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=",
      "fe80::260:97ff:fe07:69ea, ff02::1, 58, 134, 0, 1:pkvHqCL88/tg1k4cPigmZXUtL00=",
      "192.168.0.89, 192.168.0.1, 1, 8, 0, 1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
      "192.168.0.1, 192.168.0.89, 1, 0, 0, 1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
      "10.0.0.1, 10.0.0.2, 1, 11, 0, 1:YHxtAirCG//0OzkcVAukqKQN9xM=",
      "2001:470:e5bf:dead:4957:2174:e82c:4887, 2607:f8b0:400c:c03::1a, 6, 63943, 25, 1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
      "2607:f8b0:400c:c03::1a, 2001:470:e5bf:dead:4957:2174:e82c:4887, 6, 25, 63943, 1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
      "192.168.170.8, 192.168.170.56, 132, 7, 7, 1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
      "192.168.170.56, 192.168.170.8, 132, 7, 7, 1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
      "128.232.110.120, 66.35.250.204, 6, 34855, 80, 1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
      "66.35.250.204, 128.232.110.120, 6, 80, 34855, 1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
      "192.168.1.52, 8.8.8.8, 17, 54585, 53, 1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
      "8.8.8.8, 192.168.1.52, 17, 53, 54585, 1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
      "10.1.12.1, 10.1.12.2, 46, 0, 0, 1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
      "10.1.12.2, 10.1.12.1, 46, 0, 0, 1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="
  })
  void baselineVectorsOfTheSpec(String src, String dst, int protocol, int srcPortOrType, int dstPortOrCode, String expected)
      throws UnknownHostException {
    byte[] srcAddr = InetAddress.getByName(src).getAddress();
    byte[] dstAddr = InetAddress.getByName(dst).getAddress();

    assertThat(communityId.of(srcAddr, dstAddr, protocol, srcPortOrType, dstPortOrCode)).isEqualTo(expected);
  }

  private static byte[] ipv4(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
