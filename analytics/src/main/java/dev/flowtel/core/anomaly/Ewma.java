package dev.flowtel.core.anomaly;

import java.io.Serializable;

/** Exponentially weighted moving mean and variance (West's incremental form), with the number of samples. */
public final class Ewma implements Serializable {

  private static final long serialVersionUID = 1L;

  private double mean;
  private double variance;
  private long samples;

  public void add(double value, double alpha) {
    if (samples == 0) {
      mean = value;
      variance = 0;
    } else {
      double diff = value - mean;
      double increment = alpha * diff;
      mean += increment;
      variance = (1 - alpha) * (variance + diff * increment);
    }
    samples++;
  }

  public double mean() {
    return mean;
  }

  public double variance() {
    return variance;
  }

  public double stddev() {
    return Math.sqrt(variance);
  }

  public long samples() {
    return samples;
  }
}
