package dev.flowtel.parity;

import dev.flowtel.core.dns.activity.DnsActivityWindows;
import dev.flowtel.core.time.StepWatermark;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.streams.ScriptedDns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * One recorded DNS input for both engines: five workloads asking their usual names (answered, a
 * search-path NXDOMAIN, now and then unanswered or SERVFAIL) every few seconds for 40 minutes, a burst
 * of generated names (an NXDOMAIN spike) at minute 20 and a tunnel's encoded names at minute 25, after
 * a 10-minute learning period; delivered a little out of order (within 2 s, under the 5 s bound), and
 * every {@code lateEvery}-th query moved later: alternately to where event time is a quarter of a
 * minute past its window (a revision, within the 30 s lateness) and to where it is 45 s past (too late).
 * Where a moved query lands, the step watermark is many steps from any boundary that decides its fate,
 * so a periodic watermark cannot change it.
 */
record RecordedDns(List<DnsTransaction> transactions, int delayed) {

  static final long WINDOW = 60_000;
  static final long OUT_OF_ORDERNESS = 5_000;
  static final long LATENESS = 30_000;

  static RecordedDns of(Instant start, long seed, int lateEvery) {
    Random rnd = new Random(seed);
    Endpoint[] clients = {ScriptedDns.pod("shop", "cart", "node-a"), ScriptedDns.pod("shop", "checkout", "node-b"),
        ScriptedDns.pod("shop", "frontend", "node-a"), ScriptedDns.pod("data", "etl", "node-b"),
        ScriptedDns.pod("data", "reports", "node-c")};
    String[][] names = {{"api.example.com", "cdn.example.net", "payments.shop.svc.cluster.local"},
        {"db.example.org", "payments.shop.svc.cluster.local"}, {"api.example.com", "static.example.net", "auth.example.com"},
        {"s3.example-cloud.com", "warehouse.data.svc.cluster.local"}, {"metrics.example.io", "api.example.com"}};
    List<DnsTransaction> events = new ArrayList<>();
    long minutes = 40;
    for (int c = 0; c < clients.length; c++) {
      byte[] ip = {10, (byte) 244, (byte) c, (byte) (10 + c)};
      for (long t = 200L * c; t < minutes * 60_000; t += 2_000 + rnd.nextInt(3_000)) {
        String name = names[c][rnd.nextInt(names[c].length)];
        int roll = rnd.nextInt(100);
        Integer rcode = roll < 3 ? null : roll < 5 ? 2 : 0;
        Long latency = rcode == null ? null : 150L + rnd.nextInt(30_000);
        events.add(ScriptedDns.query(clients[c], ip, start.plusMillis(t), name, rcode, latency));
        if (rnd.nextInt(4) == 0) {
          events.add(ScriptedDns.query(clients[c], ip, start.plusMillis(t + 1), name + "." + clients[c].getNamespace()
              + ".svc.cluster.local", 3, 80L + rnd.nextInt(400)));
        }
      }
    }
    byte[] cartIp = {10, (byte) 244, 0, 10};
    long spike = 20 * 60_000 + 3_000;
    for (int i = 0; i < 150; i++) {
      events.add(ScriptedDns.query(clients[0], cartIp, start.plusMillis(spike + i * 150L), ScriptedDns.letters(rnd, 12) + ".com",
          3, 900L + rnd.nextInt(2_000)));
    }
    byte[] etlIp = {10, (byte) 244, 3, 13};
    long tunnel = 25 * 60_000 + 2_000;
    for (int i = 0; i < 120; i++) {
      events.add(ScriptedDns.query(clients[3], etlIp, start.plusMillis(tunnel + i * 400L),
          ScriptedDns.hex(rnd, 30) + "." + ScriptedDns.hex(rnd, 20) + ".t.exfil-example.org", 0, 20_000L + rnd.nextInt(9_000)));
    }
    events.sort(Comparator.comparing(DnsTransaction::getQueryTime));
    // A little out of order: neighbours within 2 s swap now and then.
    for (int i = 1; i < events.size(); i++) {
      if (rnd.nextInt(5) == 0 && millis(events.get(i)) - millis(events.get(i - 1)) < 2_000) {
        events.set(i - 1, events.set(i, events.get(i - 1)));
      }
    }
    int delayed = 0;
    List<DnsTransaction> out = new ArrayList<>(events);
    for (int n = 1; n * lateEvery < events.size(); n++) {
      DnsTransaction moved = events.get(n * lateEvery);
      long end = DnsActivityWindows.start(millis(moved), WINDOW) + WINDOW - 1;
      long past = n % 2 == 0 ? 15_000 : 45_000; // a revision, or too late
      // Lands after the first query at or beyond end + past + the bound: the step watermark is then about end + past.
      int from = out.indexOf(moved);
      out.remove(from);
      int target = from;
      while (target < out.size() && millis(out.get(target)) < end + past + OUT_OF_ORDERNESS) {
        target++;
      }
      if (target >= out.size()) {
        out.add(from, moved);
        continue;
      }
      long watermark = stepWatermarkBefore(out, target + 1);
      long behind = watermark - end;
      boolean robust = past < LATENESS ? behind >= 3_000 && behind <= LATENESS - 3_000 : behind >= LATENESS + 3_000;
      if (!robust) {
        out.add(from, moved);
        continue;
      }
      out.add(target + 1, moved);
      delayed++;
    }
    return new RecordedDns(out, delayed);
  }

  private static long stepWatermarkBefore(List<DnsTransaction> list, int index) {
    StepWatermark w = new StepWatermark(OUT_OF_ORDERNESS);
    for (int i = 0; i < index; i++) {
      w.onEvent(millis(list.get(i)));
    }
    return w.current();
  }

  private static long millis(DnsTransaction t) {
    return t.getQueryTime().toEpochMilli();
  }
}
