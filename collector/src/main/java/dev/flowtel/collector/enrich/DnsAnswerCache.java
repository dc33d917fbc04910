package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.DnsAnswer;
import dev.flowtel.schema.DnsTransaction;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The names this node saw resolved, by address: the DNS answers that passed its hooks, so a flow to an
 * address outside the cluster can carry the name its client asked for ({@code destination.domain}).
 *
 * <p>An answer names its addresses from its response time until {@code ttl} later, the TTL clamped to
 * [{@code minTtl}, {@code maxTtl}]: the floor (default 30 s) because a TTL-0 or TTL-1 answer is still what
 * the connection right after it was opened to, and clients (JVMs, glibc's nscd, Go) hold answers past a
 * short TTL; the ceiling because an address can move to another name sooner than a day-long TTL says. A
 * connection that outlives its answer keeps the name: a flow seen within {@code minTtl} of the expiry
 * extends it to {@code minTtl} past the flow, so a long-lived connection stays named while it carries
 * traffic, but an address nobody uses expires on time.
 *
 * <p>When several names resolve to one address (CDNs), the newest answer wins. Only NOERROR responses
 * feed the cache, each under the question's name ({@code queryName}): through a CNAME chain that is the
 * name the client asked for, the one users recognise, not the CDN's. At most {@code maxEntries}
 * addresses are held; past that, expired entries go first, then those expiring soonest (counted in
 * {@link #evictions()}).
 *
 * <p>Reads ({@link #name}) are one concurrent-map lookup, lock-free, from any thread; writes ({@link
 * #record}) come from the capture's DNS thread and serialise on a lock.
 */
public final class DnsAnswerCache {

  /** The defaults of the collector's --dns-cache-entries, --dns-min-ttl and --dns-max-ttl. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  public static final Duration DEFAULT_MIN_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(1);

  /** Evicting makes room for this share of the bound at once, so a full cache does not sort on every answer. */
  private static final double EVICT_TO = 0.9;
  private static final int NOERROR = 0;

  /** One address's name: from the answer at {@code answeredMillis}, valid until {@code expiresMillis}. */
  private record Name(String domain, long answeredMillis, long expiresMillis) {}

  private final int maxEntries;
  private final long minTtlMillis;
  private final long maxTtlMillis;
  private final Clock clock;
  private final ConcurrentHashMap<IpAddress, Name> names = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder answers = new LongAdder();

  /**
   * @param maxEntries addresses held at most
   * @param minTtl     the least time an answer names its addresses, whatever its TTL
   * @param maxTtl     the most time an answer names its addresses, whatever its TTL (at least {@code minTtl})
   * @param clock      what "now" is when making room: entries expired by then go first
   */
  public DnsAnswerCache(int maxEntries, Duration minTtl, Duration maxTtl, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("DNS cache entries " + maxEntries + ": give at least 1");
    }
    if (minTtl.isNegative() || maxTtl.compareTo(minTtl) < 0) {
      throw new IllegalArgumentException("DNS cache TTL bounds [" + minTtl + ", " + maxTtl
          + "]: the minimum must be 0 or more and the maximum at least the minimum");
    }
    this.maxEntries = maxEntries;
    this.minTtlMillis = minTtl.toMillis();
    this.maxTtlMillis = maxTtl.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public static DnsAnswerCache withDefaults(Clock clock) {
    return new DnsAnswerCache(DEFAULT_MAX_ENTRIES, DEFAULT_MIN_TTL, DEFAULT_MAX_TTL, clock);
  }

  /**
   * Learns the addresses of a transaction's answer under its question's name; an unanswered transaction,
   * an error response (NXDOMAIN, SERVFAIL, ...) or one without address records teaches nothing.
   */
  public void record(DnsTransaction transaction) {
    Integer code = transaction.getResponseCode();
    Instant responded = transaction.getResponseTime();
    String domain = transaction.getQueryName();
    if (code == null || code != NOERROR || responded == null || domain == null || domain.isEmpty()
        || transaction.getAnswers().isEmpty()) {
      return;
    }
    long at = responded.toEpochMilli();
    synchronized (writeLock) {
      for (DnsAnswer answer : transaction.getAnswers()) {
        IpAddress address = address(answer.getAddress());
        if (address == null) {
          continue;
        }
        long ttl = Math.clamp(Math.multiplyExact(Math.max(0, answer.getTtlSeconds()), 1000L), minTtlMillis, maxTtlMillis);
        Name fresh = new Name(domain, at, at + ttl);
        names.merge(address, fresh, (old, neu) -> neu.answeredMillis() >= old.answeredMillis() ? neu : old);
      }
      answers.increment();
      if (names.size() > maxEntries) {
        makeRoom();
      }
    }
  }

  /**
   * The name {@code address} was resolved from at {@code atMillis} (a flow's time), or null. A hit close to
   * the entry's expiry extends it (see the class comment).
   */
  public String name(IpAddress address, long atMillis) {
    Name name = names.get(address);
    if (name == null || atMillis >= name.expiresMillis()) {
      return null;
    }
    if (name.expiresMillis() - atMillis < minTtlMillis) {
      // Rare (once per minTtl per address in use): keep the name while the connection carries traffic.
      names.replace(address, name, new Name(name.domain(), name.answeredMillis(), atMillis + minTtlMillis));
    }
    return name.domain();
  }

  /** Addresses held now (expired ones included until they are made room for). */
  public int size() {
    return names.size();
  }

  /** Addresses dropped to keep to the bound. */
  public long evictions() {
    return evictions.sum();
  }

  /** NOERROR answers with address records learnt so far. */
  public long answers() {
    return answers.sum();
  }

  /** Under the write lock: drop expired entries, then those expiring soonest, down to 90% of the bound. */
  private void makeRoom() {
    long now = clock.millis();
    int target = Math.max(1, (int) (maxEntries * EVICT_TO));
    int before = names.size();
    names.values().removeIf(n -> n.expiresMillis() <= now);
    if (names.size() > target) {
      List<Map.Entry<IpAddress, Name>> byExpiry = new ArrayList<>(names.entrySet());
      byExpiry.sort(Comparator.comparingLong(e -> e.getValue().expiresMillis()));
      for (int i = 0, excess = names.size() - target; i < excess; i++) {
        names.remove(byExpiry.get(i).getKey(), byExpiry.get(i).getValue());
      }
    }
    evictions.add(before - names.size());
  }

  private static IpAddress address(ByteBuffer bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.remaining() != 4 && bytes.remaining() != 16) {
      return null;
    }
    return IpAddress.ofBytes(bytes).unmapped();
  }
}
