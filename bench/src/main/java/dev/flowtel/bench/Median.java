package dev.flowtel.bench;

import java.util.List;

/** The median the benches report of repeated runs: a run swings by a fifth on a shared 2-core machine, the median less. */
public final class Median {

  private Median() {}

  /** The middle value, or the mean of the two middle ones; {@code values} must not be empty. */
  public static double of(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
