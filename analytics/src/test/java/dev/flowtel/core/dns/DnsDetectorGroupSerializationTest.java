package dev.flowtel.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Given a client's DNS detector group part way through a generated-domain burst and a tunnel, when it
 * goes through Java serialization (as an engine may keep it), then the copy raises exactly the anomalies
 * the original does from the same remaining queries.
 */
class DnsDetectorGroupSerializationTest {

  static final EdgeEnd CART = new EdgeEnd("shop", "Deployment", "cart", NetworkClass.POD);
  static final long MINUTE = 60_000;
  static final long LEARNING_UNTIL = 10 * MINUTE;
  static final String HEX = "0123456789abcdef";

  @Test
  void aGroupWithStateRoundTripsAndThenBehavesTheSame() throws Exception {
    DnsDetectorGroup original = new DnsDetectorGroup(DnsDetectors.all(DnsDetectionConfig.defaults(),
        new AnomalyPacing(Duration.ofMinutes(5), Duration.ofMinutes(1))));
    List<PolicyAnomaly> before = new ArrayList<>();
    // Ordinary lookups through learning and after (a baseline), then the first half of both episodes.
    for (long t = 0; t < 20 * MINUTE; t += 10_000) {
      feed(original, query(t, "api.example.com.shop.svc.cluster.local", DnsQuery.NXDOMAIN), before);
      feed(original, query(t + 1, "api.example.com", DnsQuery.NOERROR), before);
    }
    original.onWatermark(20 * MINUTE - 1, before::add);
    List<DnsQuery> rest = new ArrayList<>();
    Random rnd = new Random(19);
    for (int i = 0; i < 120; i++) {
      DnsQuery generated = query(20 * MINUTE + i * 400, letters(rnd, "abcdefghijklmnopqrstuvwxyz", 12) + ".com",
          DnsQuery.NXDOMAIN);
      DnsQuery encoded = query(20 * MINUTE + i * 400 + 1, letters(rnd, HEX, 30) + "." + letters(rnd, HEX, 20)
          + ".t.exfil-example.org", DnsQuery.NOERROR);
      if (i < 60) {
        feed(original, generated, before);
        feed(original, encoded, before);
      } else {
        rest.add(generated);
        rest.add(encoded);
      }
    }
    assertThat(original.isEmpty()).isFalse();
    long deadline = original.nextDeadline();

    DnsDetectorGroup copy = roundTrip(original);

    assertThat(copy.nextDeadline()).isEqualTo(deadline);
    List<PolicyAnomaly> fromOriginal = finish(original, rest);
    List<PolicyAnomaly> fromCopy = finish(copy, rest);
    assertThat(fromOriginal).extracting(PolicyAnomaly::getType)
        .contains(AnomalyType.NXDOMAIN_SPIKE, AnomalyType.DNS_TUNNEL);
    assertThat(fromCopy).isEqualTo(fromOriginal);
  }

  private static List<PolicyAnomaly> finish(DnsDetectorGroup group, List<DnsQuery> rest) {
    List<PolicyAnomaly> out = new ArrayList<>();
    rest.forEach(q -> feed(group, q, out));
    group.onWatermark(40 * MINUTE, out::add);
    return out;
  }

  private static void feed(DnsDetectorGroup group, DnsQuery query, List<PolicyAnomaly> out) {
    group.onQuery(query, LEARNING_UNTIL, out::add);
  }

  private static String letters(Random rnd, String alphabet, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private static DnsQuery query(long time, String name, int responseCode) {
    return new DnsQuery(CART, CART.key(), name, 1, responseCode, time);
  }

  private static DnsDetectorGroup roundTrip(DnsDetectorGroup group) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(group);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (DnsDetectorGroup) in.readObject();
    }
  }
}
