package dev.flowtel.core.policy.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.IpAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Given two observations of one external edge, some of whose addresses the flows named: added, they keep every name once. */
class ObservedEdgeTest {

  private static final ServiceEdge SAAS = ServiceEdge.fromKey("shop/Deployment/api>-/External/PUBLIC:443/6");
  private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
  private static final IpAddress A = IpAddress.parse("203.0.113.10");
  private static final IpAddress B = IpAddress.parse("203.0.113.11");
  private static final IpAddress C = IpAddress.parse("198.51.100.7");

  @Test
  void addingObservationsKeepsTheNamesOfBothAndTheFirstNameOfAnAddressBothNamed() {
    ObservedEdge first = new ObservedEdge(SAAS, 1, 10, 1, 0, 0, T0, T0.plusSeconds(60), Set.of(A, B),
        Map.of(A, "api.example.com"));
    ObservedEdge second = new ObservedEdge(SAAS, 2, 20, 2, 0, 0, T0.plusSeconds(60), T0.plusSeconds(120), Set.of(A, C),
        Map.of(A, "edge.cdn.example.net", C, "bucket.s3.amazonaws.com"));

    ObservedEdge both = first.plus(second);

    assertThat(both.externalAddresses()).containsExactlyInAnyOrder(A, B, C);
    assertThat(both.externalDomains()).containsExactlyInAnyOrderEntriesOf(
        Map.of(A, "api.example.com", C, "bucket.s3.amazonaws.com"));
  }

  @Test
  void aNameWithoutItsAddressOrABlankNameIsNoName() {
    ObservedEdge edge = new ObservedEdge(SAAS, 1, 10, 1, 0, 0, T0, T0, Set.of(A, B), Map.of(A, " ", C, "elsewhere.example.com"));
    assertThat(edge.externalDomains()).isEmpty();
  }

  @Test
  void theConstructorWithoutNamesNamesNothing() {
    assertThat(new ObservedEdge(SAAS, 1, 10, 1, 0, 0, T0, T0, Set.of(A)).externalDomains()).isEmpty();
  }
}
