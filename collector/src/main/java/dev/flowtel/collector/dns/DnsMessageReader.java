package dev.flowtel.collector.dns;

import dev.flowtel.schema.DnsAnswer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads names and address answers from the prefix of a DNS message the kernel copied (RFC 1035 section 4),
 * never past its end and with a bounded walk: a compression pointer must point before itself, a name follows
 * at most {@link #MAX_POINTERS} of them (so a pointer loop ends there) and is at most 255 bytes long. What
 * does not hold throws {@link MalformedMessageException}.
 */
public final class DnsMessageReader {

  /** Address answers kept per transaction; more set answersTruncated. */
  public static final int MAX_ADDRESS_ANSWERS = 32;
  static final int MAX_POINTERS = 16;
  private static final int MAX_NAME = 255;
  private static final int TYPE_A = 1;
  private static final int TYPE_CNAME = 5;
  private static final int TYPE_AAAA = 28;
  private static final int CLASS_IN = 1;

  private DnsMessageReader() {
  }

  /** A message that breaks the format, with what and where. */
  public static final class MalformedMessageException extends RuntimeException {
    MalformedMessageException(String message) {
      super(message);
    }
  }

  /**
   * The A/AAAA answers for {@code queryName} (directly or through CNAMEs the answer section names), in order, and
   * whether some were not read: the copy ended before the answer section did, or there were more than
   * {@link #MAX_ADDRESS_ANSWERS}.
   */
  public record AddressAnswers(List<DnsAnswer> answers, boolean truncated) {
  }

  /** A name read at an offset: its presentation form and the offset just past it where it started. */
  record Name(String text, int end) {
  }

  /** The question's name (it starts right after the 12-byte header) in presentation form. */
  public static String questionName(byte[] message) {
    return readName(message, 12).text();
  }

  /**
   * Reads {@code answerCount} records from {@code answersStart}. {@code messageLength} is the message's length on
   * the wire: a record cut off where the copy ends, when the copy is shorter, marks the answers truncated; one cut
   * off at the message's own end is malformed.
   */
  public static AddressAnswers addressAnswers(byte[] message, int messageLength, int answersStart, int answerCount,
      String queryName) {
    Set<String> names = new HashSet<>();
    names.add(queryName);
    List<DnsAnswer> answers = new ArrayList<>();
    int pos = answersStart;
    for (int i = 0; i < answerCount; i++) {
      try {
        Name owner = readName(message, pos);
        pos = owner.end();
        need(message, pos, 10, "record header");
        int type = u16(message, pos);
        int klass = u16(message, pos + 2);
        long ttl = ((long) u16(message, pos + 4) << 16 | u16(message, pos + 6)) & 0xFFFFFFFFL;
        int length = u16(message, pos + 8);
        pos += 10;
        need(message, pos, length, "record data");
        boolean ours = klass == CLASS_IN && names.contains(owner.text());
        if (ours && type == TYPE_CNAME) {
          names.add(readName(message, pos).text());
        } else if (ours && ((type == TYPE_A && length == 4) || (type == TYPE_AAAA && length == 16))) {
          if (answers.size() == MAX_ADDRESS_ANSWERS) {
            return new AddressAnswers(answers, true);
          }
          byte[] address = new byte[length];
          System.arraycopy(message, pos, address, 0, length);
          answers.add(DnsAnswer.newBuilder().setAddress(ByteBuffer.wrap(address)).setTtlSeconds(ttl).build());
        }
        pos += length;
      } catch (MalformedMessageException e) {
        if (message.length < messageLength) {
          return new AddressAnswers(answers, true); // the kernel copied only a prefix: the rest is not malformed
        }
        throw e;
      }
    }
    return new AddressAnswers(answers, false);
  }

  /**
   * Reads the name at {@code at}. Each compression pointer must point before itself, and at most
   * {@link #MAX_POINTERS} are followed: labels walk forward, pointers back, so a loop between them ends there.
   */
  static Name readName(byte[] m, int at) {
    StringBuilder text = new StringBuilder();
    int pos = at;
    int end = -1;
    int wireLength = 0;
    int pointers = 0;
    while (true) {
      need(m, pos, 1, "label length");
      int label = m[pos] & 0xFF;
      if ((label & 0xC0) == 0xC0) {
        need(m, pos, 2, "compression pointer");
        int target = ((label & 0x3F) << 8) | (m[pos + 1] & 0xFF);
        if (target >= pos || ++pointers > MAX_POINTERS) {
          throw new MalformedMessageException("a compression pointer at offset " + pos + " to " + target
              + " does not point back before it (or is one of more than " + MAX_POINTERS + ")");
        }
        if (end < 0) {
          end = pos + 2;
        }
        pos = target;
        continue;
      }
      if ((label & 0xC0) != 0) {
        throw new MalformedMessageException("label type 0x" + Integer.toHexString(label) + " at offset " + pos);
      }
      wireLength += label + 1;
      if (wireLength > MAX_NAME) {
        throw new MalformedMessageException("a name longer than " + MAX_NAME + " bytes at offset " + at);
      }
      if (label == 0) {
        return new Name(text.toString(), end < 0 ? pos + 1 : end);
      }
      need(m, pos + 1, label, "label");
      if (!text.isEmpty()) {
        text.append('.');
      }
      appendLabel(text, m, pos + 1, label);
      pos += label + 1;
    }
  }

  /** A label lower-cased, with '.', '\' and bytes outside printable ASCII escaped as dig prints them. */
  private static void appendLabel(StringBuilder text, byte[] m, int from, int length) {
    for (int i = from; i < from + length; i++) {
      int b = m[i] & 0xFF;
      if (b == '.' || b == '\\') {
        text.append('\\').append((char) b);
      } else if (b <= 0x20 || b >= 0x7F) {
        text.append('\\').append(String.format(Locale.ROOT, "%03d", b));
      } else {
        text.append(Character.toLowerCase((char) b));
      }
    }
  }

  private static void need(byte[] m, int pos, int length, String what) {
    if (pos < 0 || pos + length > m.length) {
      throw new MalformedMessageException("the " + what + " at offset " + pos + " runs past the message's " + m.length
          + " bytes");
    }
  }

  private static int u16(byte[] m, int pos) {
    return ((m[pos] & 0xFF) << 8) | (m[pos + 1] & 0xFF);
  }
}
