package dev.flowtel.core.dns;

import java.util.Set;

/**
 * The parts of a DNS name the detectors reason about. The parent domain is the registrable domain
 * a name belongs to ({@code x1.tunnel.example.com} -> {@code example.com}), found without the Public
 * Suffix List: the last two labels, or three when the last two look like a country's second level
 * ({@code co.uk}, {@code com.au}); a tunnel under {@code github.io}-style shared suffixes therefore
 * counts under the shared suffix, which only makes it easier to see.
 */
public final class DnsNames {

  private static final Set<String> SECOND_LEVELS = Set.of("co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go");

  private DnsNames() {}

  /** The registrable domain of {@code name} (lower-case, no trailing dot); the name itself when it has at most two labels. */
  public static String parentDomain(String name) {
    int last = name.lastIndexOf('.');
    if (last < 0) {
      return name;
    }
    int second = name.lastIndexOf('.', last - 1);
    if (second < 0) {
      return name;
    }
    String tld = name.substring(last + 1);
    String sld = name.substring(second + 1, last);
    if (tld.length() == 2 && SECOND_LEVELS.contains(sld)) {
      int third = name.lastIndexOf('.', second - 1);
      return third < 0 ? name : name.substring(third + 1);
    }
    return name.substring(second + 1);
  }

  /** What {@code name} has in front of {@code parent}, without the joining dot; "" when it is the parent itself. */
  public static String subdomain(String name, String parent) {
    return name.length() > parent.length() ? name.substring(0, name.length() - parent.length() - 1) : "";
  }

  /** Whether {@code name} is {@code domain} or lies under it. */
  public static boolean under(String name, String domain) {
    return name.equals(domain) || name.endsWith("." + domain);
  }

  /**
   * Shannon entropy of the characters of {@code text}, in bits per character, dots left out: at most
   * log2 of its length, close to 4 for long hex and 4.5-5 for base32/base64 payloads, 3.8 for a long
   * descriptive host name as well (so it tells encoded data only from short or repetitive names).
   */
  public static double entropy(String text) {
    int[] counts = new int[128];
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        continue;
      }
      counts[c & 0x7F]++;
      n++;
    }
    if (n == 0) {
      return 0;
    }
    double bits = 0;
    for (int count : counts) {
      if (count > 0) {
        double p = (double) count / n;
        bits -= p * (Math.log(p) / Math.log(2));
      }
    }
    return bits;
  }

  /** Length of {@code text} without its dots. */
  public static int letters(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != '.') {
        n++;
      }
    }
    return n;
  }
}
