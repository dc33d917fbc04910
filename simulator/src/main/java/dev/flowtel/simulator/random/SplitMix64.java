package dev.flowtel.simulator.random;

/**
 * The simulator's only source of randomness: SplitMix64 (Steele, Lea and Flood), a 64-bit
 * generator that is fast, passes BigCrush and, unlike {@link java.util.Random}, has a documented
 * algorithm that will never change between JDKs, so a seed means the same records forever. Not
 * thread-safe: each generating thread forks its own stream.
 */
public final class SplitMix64 {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** An independent stream for one purpose, named by {@code salt}, that does not advance this one. */
  public SplitMix64 fork(long salt) {
    return new SplitMix64(mix(state ^ mix(salt + GOLDEN_GAMMA)));
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in [0, bound); bound must be positive. */
  public int nextInt(int bound) {
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** Uniform in [0, bound); bound must be positive. */
  public long nextLong(long bound) {
    return Math.floorMod(nextLong(), bound);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  public boolean chance(double probability) {
    return nextDouble() < probability;
  }

  /** Standard normal, by the Box-Muller transform (one of the pair is discarded; callers are not per-flow). */
  public double nextGaussian() {
    double u = 1.0 - nextDouble();
    double v = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }

  /** Exponentially distributed with the given mean. */
  public double nextExponential(double mean) {
    return -mean * Math.log(1.0 - nextDouble());
  }

  /** Log-normal around {@code median}: most draws within a factor of e^spread of it. */
  public double nextLogNormal(double median, double spread) {
    return median * Math.exp(spread * nextGaussian());
  }

  /** Poisson-distributed count with mean {@code lambda}: exact below 30, normal approximation above. */
  public long nextPoisson(double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda < 30) {
      double limit = Math.exp(-lambda);
      double product = nextDouble();
      long count = 0;
      while (product > limit) {
        product *= nextDouble();
        count++;
      }
      return count;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * nextGaussian()));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
