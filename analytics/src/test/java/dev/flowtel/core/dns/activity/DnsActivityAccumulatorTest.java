package dev.flowtel.core.dns.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.NetworkClass;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Given one workload's DNS exchanges in a window, these DnsActivity rows come out, however they were merged. */
class DnsActivityAccumulatorTest {

  static final EdgeEnd CART = new EdgeEnd("shop", "Deployment", "cart", NetworkClass.POD);
  static final long START = 1_764_000_000_000L;
  static final long END = START + 60_000;

  @Test
  void countsEachResponseClassPerNameWithPercentiles() {
    DnsActivityAccumulator acc = new DnsActivityAccumulator(500);
    for (int i = 1; i <= 100; i++) {
      acc.add(exchange("api.example.com", DnsQuery.NOERROR, 1000L * i, i % 10 == 0));
    }
    acc.add(exchange("nope.example.com", DnsQuery.NXDOMAIN, 800L, false));
    acc.add(exchange("nope.example.com", DnsQuery.SERVFAIL, 5_000L, false));
    acc.add(exchange("nope.example.com", 5, 40L, false));
    acc.add(exchange("nope.example.com", null, null, false));

    List<DnsActivity> rows = acc.toRecords(START, END, 0);

    assertThat(rows).extracting(DnsActivity::getQueryName).containsExactly("api.example.com", "nope.example.com");
    DnsActivity api = rows.get(0);
    assertThat(api.getClient()).isEqualTo(CART.toAvro());
    assertThat(api.getQueries()).isEqualTo(100);
    assertThat(api.getNoError()).isEqualTo(100);
    assertThat(api.getTruncated()).isEqualTo(10);
    assertThat(api.getLatencyMaxMicros()).isEqualTo(100_000L);
    assertThat(api.getLatencyP50Micros()).isBetween(50_000L - 50_000L / 16, 50_000L + 50_000L / 16);
    assertThat(api.getLatencyP99Micros()).isBetween(99_000L - 99_000L / 16, 100_000L);
    assertThat(api.getLatencyBuckets().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
    assertThat(api.getFoldedNames()).isZero();
    assertThat(api.getRevision()).isZero();

    DnsActivity nope = rows.get(1);
    assertThat(List.of(nope.getQueries(), nope.getNoError(), nope.getNxdomain(), nope.getServfail(), nope.getOtherError(),
        nope.getUnanswered())).containsExactly(4L, 0L, 1L, 1L, 1L, 1L);
    assertThat(nope.getLatencyMaxMicros()).isEqualTo(5_000L);
    assertThat(nope.getLatencyBuckets().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
  }

  @Test
  void anUnansweredNameHasNoLatency() {
    DnsActivityAccumulator acc = new DnsActivityAccumulator(500);
    acc.add(exchange("slow.example.com", null, null, false));
    DnsActivity row = acc.toRecords(START, END, 2).get(0);
    assertThat(row.getUnanswered()).isEqualTo(1);
    assertThat(row.getLatencyP50Micros()).isNull();
    assertThat(row.getLatencyP99Micros()).isNull();
    assertThat(row.getLatencyMaxMicros()).isNull();
    assertThat(row.getLatencyBuckets()).isEmpty();
    assertThat(row.getRevision()).isEqualTo(2);
  }

  @Test
  void namesPastTheCapFoldIntoOneExactOtherRow() {
    int cap = 50;
    DnsActivityAccumulator acc = new DnsActivityAccumulator(cap);
    List<DnsExchange> tunnel = tunnel(3000, new Random(7));
    tunnel.forEach(acc::add);

    List<DnsActivity> rows = acc.toRecords(START, END, 0);

    assertThat(rows).hasSize(cap + 1);
    DnsActivity other = rows.get(cap);
    assertThat(other.getQueryName()).isEqualTo(DnsActivityAccumulator.OTHER_NAMES);
    long distinct = tunnel.stream().map(DnsExchange::name).distinct().count();
    assertThat(other.getFoldedNames()).isEqualTo(distinct - cap);
    assertThat(rows.stream().mapToLong(DnsActivity::getQueries).sum()).isEqualTo(tunnel.size());
    assertThat(rows.stream().mapToLong(DnsActivity::getNxdomain).sum())
        .isEqualTo(tunnel.stream().filter(e -> e.responseCode() != null && e.responseCode() == DnsQuery.NXDOMAIN).count());
    assertThat(rows.stream().mapToLong(r -> r.getLatencyBuckets().stream().mapToLong(Long::longValue).sum()).sum())
        .isEqualTo(tunnel.stream().filter(e -> e.latencyMicros() != null).count());
    // The kept names are the cap's smallest hashes, whatever the order they came in.
    DnsActivityAccumulator reversed = new DnsActivityAccumulator(cap);
    for (int i = tunnel.size() - 1; i >= 0; i--) {
      reversed.add(tunnel.get(i));
    }
    assertThat(reversed.toRecords(START, END, 0)).isEqualTo(rows);
  }

  @Test
  void mergeIsAssociativeAndCommutativeAcrossTheCap() {
    Random rnd = new Random(11);
    List<DnsExchange> all = tunnel(1200, rnd);
    for (int cap : new int[] {1, 20, 5000}) {
      DnsActivityAccumulator whole = new DnsActivityAccumulator(cap);
      all.forEach(whole::add);
      List<DnsActivity> expected = whole.toRecords(START, END, 0);
      for (int trial = 0; trial < 10; trial++) {
        List<DnsActivityAccumulator> parts = split(all, 2 + rnd.nextInt(6), cap, rnd);
        // left fold, right fold and a shuffled fold all give the whole's rows
        DnsActivityAccumulator left = new DnsActivityAccumulator(cap);
        parts.forEach(p -> left.merge(copy(p)));
        DnsActivityAccumulator right = copy(parts.get(parts.size() - 1));
        for (int i = parts.size() - 2; i >= 0; i--) {
          DnsActivityAccumulator next = copy(parts.get(i));
          next.merge(right);
          right = next;
        }
        List<DnsActivityAccumulator> shuffled = new ArrayList<>(parts);
        java.util.Collections.shuffle(shuffled, rnd);
        DnsActivityAccumulator tree = pairwise(shuffled);
        assertThat(left.toRecords(START, END, 0)).as("left fold, cap %d", cap).isEqualTo(expected);
        assertThat(right.toRecords(START, END, 0)).as("right fold, cap %d", cap).isEqualTo(expected);
        assertThat(tree.toRecords(START, END, 0)).as("pairwise, cap %d", cap).isEqualTo(expected);
      }
    }
  }

  @Test
  void bytesRoundTripKeepsEveryCountAndTheCap() throws IOException {
    DnsActivityAccumulator acc = new DnsActivityAccumulator(30);
    tunnel(500, new Random(3)).forEach(acc::add);
    DnsActivityAccumulator back = copy(acc);
    assertThat(back.maxNames()).isEqualTo(30);
    assertThat(back.client()).isEqualTo(CART);
    assertThat(back.toRecords(START, END, 1)).isEqualTo(acc.toRecords(START, END, 1));
    // and it goes on counting as the original would
    DnsExchange more = exchange("api.example.com", DnsQuery.NOERROR, 300L, false);
    acc.add(more);
    back.add(more);
    assertThat(back.toRecords(START, END, 1)).isEqualTo(acc.toRecords(START, END, 1));

    DnsActivityAccumulator empty = copy(new DnsActivityAccumulator(7));
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.maxNames()).isEqualTo(7);
    assertThat(empty.toRecords(START, END, 0)).isEmpty();
  }

  @Test
  void foldedNamesBecomeAnEstimatePastTheExactLimit() {
    DnsActivityAccumulator acc = new DnsActivityAccumulator(1);
    int names = FoldedNames.EXACT_LIMIT * 3;
    IntStream.range(0, names).forEach(i -> acc.add(exchange("x" + i + ".tunnel.example", DnsQuery.NOERROR, 100L, false)));
    List<DnsActivity> rows = acc.toRecords(START, END, 0);
    DnsActivity other = rows.get(rows.size() - 1);
    assertThat(other.getQueries()).isEqualTo(names - 1);
    assertThat(other.getFoldedNames()).isBetween((long) ((names - 1) * 0.95), (long) ((names - 1) * 1.05));
  }

  @Test
  void recordKeyIsClientKeyAndName() {
    DnsActivityAccumulator acc = new DnsActivityAccumulator(5);
    acc.add(exchange("api.example.com", DnsQuery.NOERROR, 100L, false));
    assertThat(DnsActivityWindows.recordKey(acc.toRecords(START, END, 0).get(0)))
        .isEqualTo("shop/Deployment/cart|api.example.com");
  }

  static DnsExchange exchange(String name, Integer code, Long latencyMicros, boolean truncated) {
    return new DnsExchange(CART, name, code, latencyMicros, truncated, START + 1);
  }

  /** A tunnel's unique names among a few ordinary ones asked again and again, with every response class. */
  static List<DnsExchange> tunnel(int queries, Random rnd) {
    List<DnsExchange> out = new ArrayList<>();
    Integer[] codes = {DnsQuery.NOERROR, DnsQuery.NXDOMAIN, DnsQuery.SERVFAIL, 5, null};
    for (int i = 0; i < queries; i++) {
      String name = rnd.nextInt(4) == 0 ? "svc" + rnd.nextInt(5) + ".shop.svc.cluster.local"
          : Long.toHexString(rnd.nextLong()) + ".t.example.net";
      Integer code = codes[rnd.nextInt(codes.length)];
      out.add(exchange(name, code, code == null ? null : (long) rnd.nextInt(200_000), rnd.nextInt(20) == 0));
    }
    return out;
  }

  private static List<DnsActivityAccumulator> split(List<DnsExchange> all, int parts, int cap, Random rnd) {
    List<DnsActivityAccumulator> out = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      out.add(new DnsActivityAccumulator(cap));
    }
    all.forEach(e -> out.get(rnd.nextInt(parts)).add(e));
    return out;
  }

  private static DnsActivityAccumulator pairwise(List<DnsActivityAccumulator> parts) {
    if (parts.size() == 1) {
      return copy(parts.get(0));
    }
    int mid = parts.size() / 2;
    DnsActivityAccumulator left = pairwise(parts.subList(0, mid));
    left.merge(pairwise(parts.subList(mid, parts.size())));
    return left;
  }

  static DnsActivityAccumulator copy(DnsActivityAccumulator acc) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      acc.writeTo(new DataOutputStream(bytes));
      return DnsActivityAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
