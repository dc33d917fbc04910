package dev.flowtel.core.dns.activity;

import dev.flowtel.core.dns.DnsQuery;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The running counts of one query name (or of the folded names) for one client in one window. Not thread-safe. */
final class NameActivity {

  long queries;
  long noError;
  long nxdomain;
  long servfail;
  long otherError;
  long unanswered;
  long truncated;
  LatencyHistogram latency = new LatencyHistogram();

  void add(DnsExchange exchange) {
    queries++;
    Integer code = exchange.responseCode();
    if (code == null) {
      unanswered++;
    } else if (code == DnsQuery.NOERROR) {
      noError++;
    } else if (code == DnsQuery.NXDOMAIN) {
      nxdomain++;
    } else if (code == DnsQuery.SERVFAIL) {
      servfail++;
    } else {
      otherError++;
    }
    if (exchange.truncated()) {
      truncated++;
    }
    if (code != null && exchange.latencyMicros() != null) {
      latency.add(exchange.latencyMicros());
    }
  }

  void merge(NameActivity other) {
    queries += other.queries;
    noError += other.noError;
    nxdomain += other.nxdomain;
    servfail += other.servfail;
    otherError += other.otherError;
    unanswered += other.unanswered;
    truncated += other.truncated;
    latency.merge(other.latency);
  }

  void writeTo(DataOutput out) throws IOException {
    for (long v : new long[] {queries, noError, nxdomain, servfail, otherError, unanswered, truncated}) {
      out.writeLong(v);
    }
    latency.writeTo(out);
  }

  static NameActivity readFrom(DataInput in) throws IOException {
    NameActivity a = new NameActivity();
    a.queries = in.readLong();
    a.noError = in.readLong();
    a.nxdomain = in.readLong();
    a.servfail = in.readLong();
    a.otherError = in.readLong();
    a.unanswered = in.readLong();
    a.truncated = in.readLong();
    a.latency = LatencyHistogram.readFrom(in);
    return a;
  }
}
