package dev.flowtel.simulator.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.simulator.cluster.Ipv4;
import org.junit.jupiter.api.Test;

/** The published vectors of the Community ID spec (corelight/community-id-spec, baseline). */
class CommunityIdTest {

  private final CommunityId communityId = new CommunityId();

  @Test
  void tcpVectorGivesTheSameIdInBothDirections() {
    byte[] client = Ipv4.bytes(Ipv4.parse("128.232.110.120"));
    byte[] server = Ipv4.bytes(Ipv4.parse("66.35.250.204"));

    assertThat(communityId.of(client, server, 6, 34855, 80)).isEqualTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    assertThat(communityId.of(server, client, 6, 80, 34855)).isEqualTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
  }

  @Test
  void udpVector() {
    byte[] client = Ipv4.bytes(Ipv4.parse("192.168.1.52"));
    byte[] resolver = Ipv4.bytes(Ipv4.parse("8.8.8.8"));

    assertThat(communityId.of(client, resolver, 17, 54585, 53)).isEqualTo("1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
    assertThat(communityId.of(resolver, client, 17, 53, 54585)).isEqualTo("1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
  }

  @Test
  void icmpEchoRequestAndReplyShareTheVectorsId() {
    byte[] pinger = Ipv4.bytes(Ipv4.parse("192.168.0.89"));
    byte[] router = Ipv4.bytes(Ipv4.parse("192.168.0.1"));

    assertThat(communityId.of(pinger, router, 1, 8, 0)).isEqualTo("1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    assertThat(communityId.of(router, pinger, 1, 0, 0)).isEqualTo("1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
  }
}
