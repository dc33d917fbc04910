package dev.flowtel.collector.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.schema.DnsAnswer;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers read from responses as servers write them, and messages that must be refused without a loop or overrun. */
class DnsMessageReaderTest {

  @Test
  void aAnswersThroughACnameChainInOrder() throws Exception {
    byte[] message = DnsMessages.response(7, "www.example.test", 1, 0, 3)
        .pointerRecord(12, 5, 300, DnsMessages.wireName("web.example.test"))
        .record("web.example.test", 1, 60, InetAddress.getByName("10.1.2.3").getAddress())
        .record("web.example.test", 1, 61, InetAddress.getByName("10.1.2.4").getAddress())
        .build();
    int questionEnd = 12 + DnsMessages.wireName("www.example.test").length + 4;

    DnsMessageReader.AddressAnswers answers = DnsMessageReader.addressAnswers(message, message.length, questionEnd, 3,
        "www.example.test");

    assertThat(DnsMessageReader.questionName(message)).isEqualTo("www.example.test");
    assertThat(answers.truncated()).isFalse();
    assertThat(answers.answers()).extracting(DnsMessageReaderTest::text, DnsAnswer::getTtlSeconds)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("10.1.2.3", 60L), org.assertj.core.groups.Tuple.tuple("10.1.2.4", 61L));
  }

  @Test
  void aaaaAnswerWithACompressedOwnerAndAnUnsignedTtl() throws Exception {
    byte[] message = DnsMessages.response(7, "v6.example.test", 28, 0, 1)
        .address(InetAddress.getByName("fd00::53").getAddress(), 0xFFFFFFF0L).build();
    int questionEnd = 12 + DnsMessages.wireName("v6.example.test").length + 4;

    List<DnsAnswer> answers = DnsMessageReader.addressAnswers(message, message.length, questionEnd, 1, "v6.example.test").answers();

    assertThat(answers).hasSize(1);
    assertThat(text(answers.get(0))).isEqualTo("fd00:0:0:0:0:0:0:53");
    assertThat(answers.get(0).getTtlSeconds()).isEqualTo(0xFFFFFFF0L);
  }

  @Test
  void namesAreLowerCasedAndOddBytesEscaped() {
    byte[] message = DnsMessages.query(1, "WWW.Example.TEST", 1);
    assertThat(DnsMessageReader.questionName(message)).isEqualTo("www.example.test");
    byte[] odd = DnsMessages.raw(1, 0x0100, 1, new byte[] {3, 'a', '.', 0x07, 0, 0, 1, 0, 1});
    assertThat(DnsMessageReader.questionName(odd)).isEqualTo("a\\.\\007");
    assertThat(DnsMessageReader.questionName(DnsMessages.query(1, "", 2))).isEmpty();
  }

  @Test
  void aPointerLoopIsRefusedNotFollowed() {
    // Answer owner at offset 29 points to 31, which points back to 29: each points forward or in a cycle.
    byte[] question = DnsMessages.wireName("a.test");
    byte[] message = DnsMessages.response(1, "a.test", 1, 0, 1).build();
    int start = message.length;
    byte[] looped = java.util.Arrays.copyOf(message, start + 4);
    looped[start] = (byte) 0xC0;
    looped[start + 1] = (byte) (start + 2);
    looped[start + 2] = (byte) 0xC0;
    looped[start + 3] = (byte) start;
    assertThatThrownBy(() -> DnsMessageReader.addressAnswers(looped, looped.length, 12 + question.length + 4, 1, "a.test"))
        .isInstanceOf(DnsMessageReader.MalformedMessageException.class).hasMessageContaining("does not point back");
    // A backward loop: label "x" then a pointer to that label, so the walk would circle: capped by the name length.
    byte[] circle = DnsMessages.raw(1, 0x8180, 1, new byte[] {1, 'x', (byte) 0xC0, 12});
    assertThatThrownBy(() -> DnsMessageReader.questionName(circle)).isInstanceOf(DnsMessageReader.MalformedMessageException.class);
  }

  @Test
  void aRecordCutByTheKernelsCopyMarksTheAnswersTruncated() throws Exception {
    byte[] message = DnsMessages.response(7, "a.test", 1, 0, 2)
        .address(InetAddress.getByName("10.0.0.1").getAddress(), 5)
        .address(InetAddress.getByName("10.0.0.2").getAddress(), 5).build();
    byte[] prefix = java.util.Arrays.copyOf(message, message.length - 3);
    int questionEnd = 12 + DnsMessages.wireName("a.test").length + 4;

    DnsMessageReader.AddressAnswers answers = DnsMessageReader.addressAnswers(prefix, message.length, questionEnd, 2, "a.test");

    assertThat(answers.truncated()).isTrue();
    assertThat(answers.answers()).extracting(DnsMessageReaderTest::text).containsExactly("10.0.0.1");
    assertThatThrownBy(() -> DnsMessageReader.addressAnswers(prefix, prefix.length, questionEnd, 2, "a.test"))
        .isInstanceOf(DnsMessageReader.MalformedMessageException.class).hasMessageContaining("runs past");
  }

  @Test
  void recordsForOtherNamesAreNotAnswers() throws Exception {
    byte[] message = DnsMessages.response(7, "a.test", 1, 0, 1)
        .record("b.test", 1, 5, InetAddress.getByName("10.0.0.9").getAddress()).build();
    int questionEnd = 12 + DnsMessages.wireName("a.test").length + 4;
    assertThat(DnsMessageReader.addressAnswers(message, message.length, questionEnd, 1, "a.test").answers()).isEmpty();
  }

  static String text(DnsAnswer answer) {
    ByteBuffer b = answer.getAddress().duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
