package dev.flowtel.core.dns.activity;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.Hashing;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.NetworkClass;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DNS activity of one client in one window, per query name: what every engine keeps in state
 * and merges, and turns into DnsActivity rows when the window closes.
 *
 * <p>Distinct names are capped ({@code maxNames}): a tunnel or a domain-generation algorithm asks
 * thousands of unique names per minute, and a row per name would flood the topic and the state.
 * The names that keep a row of their own are the {@code maxNames} with the smallest 64-bit name hash
 * (a bottom-k choice); every other name's counts go, exactly, to one {@value #OTHER_NAMES} row.
 * The choice depends on the set of names alone, not on arrival or merge order, so {@link #add} and
 * {@link #merge} are associative and commutative and every engine emits the same rows: a name
 * folded in any partial result has {@code maxNames} smaller-hashed names there, which the final
 * result holds too. Ordinary workloads ask a few dozen names and never reach the cap.
 *
 * <p>Not thread-safe; engines give each key and window its own instance.
 */
public final class DnsActivityAccumulator {

  public static final String OTHER_NAMES = "(other)";
  public static final int DEFAULT_MAX_NAMES = 500;
  private static final byte FORMAT = 1;
  private static final Comparator<RankedName> RANK =
      Comparator.comparingLong(RankedName::hash).thenComparing(RankedName::name);

  private final int maxNames;
  private EdgeEnd client;
  private final TreeMap<RankedName, NameActivity> names = new TreeMap<>(RANK);
  private NameActivity other;
  private FoldedNames folded;

  public DnsActivityAccumulator(int maxNames) {
    if (maxNames < 1) {
      throw new IllegalArgumentException("DNS names per client and window must be at least 1, got " + maxNames);
    }
    this.maxNames = maxNames;
  }

  /** A name as the cap orders it: by hash, then by the name for the rare equal hashes. */
  private record RankedName(long hash, String name) {}

  public EdgeEnd client() {
    return client;
  }

  public int maxNames() {
    return maxNames;
  }

  /** Distinct names with a row of their own (at most {@link #maxNames}); the folded ones are not counted here. */
  public int keptNames() {
    return names.size();
  }

  public boolean isEmpty() {
    return client == null;
  }

  public void add(DnsExchange exchange) {
    if (client == null) {
      client = exchange.client();
    }
    String name = exchange.name();
    RankedName ranked = new RankedName(Hashing.ofString(name), name);
    NameActivity kept = names.get(ranked);
    if (kept == null) {
      kept = admit(ranked);
    }
    if (kept != null) {
      kept.add(exchange);
    } else {
      other().add(exchange);
    }
  }

  public void merge(DnsActivityAccumulator that) {
    if (that.client == null) {
      return;
    }
    if (client == null) {
      client = that.client;
    }
    for (Map.Entry<RankedName, NameActivity> entry : that.names.entrySet()) {
      NameActivity kept = names.get(entry.getKey());
      if (kept == null) {
        kept = admit(entry.getKey());
      }
      if (kept != null) {
        kept.merge(entry.getValue());
      } else {
        other().merge(entry.getValue());
      }
    }
    if (that.other != null) {
      other().merge(that.other);
      folded.addAll(that.folded);
    }
  }

  /**
   * Gives a new name a row when it ranks among the {@code maxNames} smallest, folding the
   * largest-ranked kept name if that makes one too many; returns null when the new name itself
   * folds (the caller counts it in {@link #OTHER_NAMES}, whose name set this records).
   */
  private NameActivity admit(RankedName ranked) {
    if (names.size() >= maxNames) {
      RankedName largest = names.lastKey();
      if (RANK.compare(ranked, largest) > 0) {
        other();
        folded.add(ranked.hash());
        return null;
      }
      other().merge(names.remove(largest));
      folded.add(largest.hash());
    }
    NameActivity fresh = new NameActivity();
    names.put(ranked, fresh);
    return fresh;
  }

  private NameActivity other() {
    if (other == null) {
      other = new NameActivity();
      folded = new FoldedNames();
    }
    return other;
  }

  /**
   * The window's rows: one per kept name in name order, then the {@value #OTHER_NAMES} row when
   * names were folded. {@code revision} 0 for the first emission, higher for updates after late queries.
   */
  public List<DnsActivity> toRecords(long windowStartMillis, long windowEndMillis, int revision) {
    List<DnsActivity> rows = new ArrayList<>(names.size() + 1);
    names.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(RankedName::name)))
        .forEach(e -> rows.add(row(e.getKey().name(), e.getValue(), 0, windowStartMillis, windowEndMillis, revision)));
    if (other != null) {
      rows.add(row(OTHER_NAMES, other, folded.count(), windowStartMillis, windowEndMillis, revision));
    }
    return rows;
  }

  private DnsActivity row(String name, NameActivity a, long foldedNames, long start, long end, int revision) {
    LatencyHistogram latency = a.latency;
    return DnsActivity.newBuilder()
        .setWindowStart(Instant.ofEpochMilli(start))
        .setWindowEnd(Instant.ofEpochMilli(end))
        .setClient(client.toAvro())
        .setQueryName(name)
        .setFoldedNames(foldedNames)
        .setQueries(a.queries)
        .setNoError(a.noError)
        .setNxdomain(a.nxdomain)
        .setServfail(a.servfail)
        .setOtherError(a.otherError)
        .setUnanswered(a.unanswered)
        .setTruncated(a.truncated)
        .setLatencyP50Micros(latency.percentile(0.50))
        .setLatencyP90Micros(latency.percentile(0.90))
        .setLatencyP99Micros(latency.percentile(0.99))
        .setLatencyMaxMicros(latency.max())
        .setLatencyBuckets(Arrays.stream(latency.bucketCounts()).boxed().toList())
        .setRevision(revision)
        .build();
  }

  /** A compact binary form for engine state (Flink state, Kafka Streams stores); {@link #readFrom} reads it. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    out.writeInt(maxNames);
    out.writeBoolean(client != null);
    if (client == null) {
      return;
    }
    out.writeBoolean(client.namespace() != null);
    if (client.namespace() != null) {
      out.writeUTF(client.namespace());
    }
    out.writeUTF(client.kind());
    out.writeUTF(client.name());
    out.writeByte(client.networkClass().ordinal());
    out.writeInt(names.size());
    for (Map.Entry<RankedName, NameActivity> entry : names.entrySet()) {
      out.writeUTF(entry.getKey().name());
      entry.getValue().writeTo(out);
    }
    out.writeBoolean(other != null);
    if (other != null) {
      other.writeTo(out);
      folded.writeTo(out);
    }
  }

  public static DnsActivityAccumulator readFrom(DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown DnsActivityAccumulator state format " + format + " (this build reads " + FORMAT + ")");
    }
    DnsActivityAccumulator acc = new DnsActivityAccumulator(in.readInt());
    if (!in.readBoolean()) {
      return acc;
    }
    String namespace = in.readBoolean() ? in.readUTF() : null;
    acc.client = new EdgeEnd(namespace, in.readUTF(), in.readUTF(), NetworkClass.values()[in.readByte()]);
    int kept = in.readInt();
    for (int i = 0; i < kept; i++) {
      String name = in.readUTF();
      acc.names.put(new RankedName(Hashing.ofString(name), name), NameActivity.readFrom(in));
    }
    if (in.readBoolean()) {
      acc.other = NameActivity.readFrom(in);
      acc.folded = FoldedNames.readFrom(in);
    }
    return acc;
  }
}
