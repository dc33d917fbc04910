package dev.flowtel.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink filter dump, request and reply, byte for byte. The reply is what kernel 6.18
 * answered (sequence 77) for the ingress hook of a veth with three direct-action bpf filters at
 * priority 1: handle 0x7 (added last, so it runs first), ours at 0xf10e, then 0x1, programs 1341
 * and 1342, named by libbpf "cni_pass:[id]". Netlink is in host byte order (little-endian here).
 */
class TcFiltersTest {

  private static final String DUMP = ""
      // the classifier's own entry for priority 1: handle 0, kind and chain only
      + "34000000" + "2c00" + "0200" + "4d000000" + "26710000"
      + "00" + "00" + "0000" + "03000000" + "00000000" + "f2ffffff" + "00030100"
      + "0800" + "0100" + "62706600" + "0800" + "0b00" + "00000000"
      // handle 0x7: TCA_OPTIONS { NAME "cni_pass:[1341]", ID 1341, TAG, FLAGS direct-action, FLAGS_GEN }
      + "70000000" + "2c00" + "0200" + "4d000000" + "26710000"
      + "00" + "00" + "0000" + "03000000" + "07000000" + "f2ffffff" + "00030100"
      + "0800" + "0100" + "62706600" + "0800" + "0b00" + "00000000"
      + "3c00" + "0200" + "1400" + "0700" + "636e695f706173733a5b313334315d00" + "0800" + "0b00" + "3d050000"
      + "0c00" + "0a00" + "59f4a931744dcdc6" + "0800" + "0800" + "01000000" + "0800" + "0900" + "08000000"
      // ours, handle 0xf10e, program 1342
      + "70000000" + "2c00" + "0200" + "4d000000" + "26710000"
      + "00" + "00" + "0000" + "03000000" + "0ef10000" + "f2ffffff" + "00030100"
      + "0800" + "0100" + "62706600" + "0800" + "0b00" + "00000000"
      + "3c00" + "0200" + "1400" + "0700" + "636e695f706173733a5b313334325d00" + "0800" + "0b00" + "3e050000"
      + "0c00" + "0a00" + "59f4a931744dcdc6" + "0800" + "0800" + "01000000" + "0800" + "0900" + "08000000"
      // handle 0x1, program 1341
      + "70000000" + "2c00" + "0200" + "4d000000" + "26710000"
      + "00" + "00" + "0000" + "03000000" + "01000000" + "f2ffffff" + "00030100"
      + "0800" + "0100" + "62706600" + "0800" + "0b00" + "00000000"
      + "3c00" + "0200" + "1400" + "0700" + "636e695f706173733a5b313334315d00" + "0800" + "0b00" + "3d050000"
      + "0c00" + "0a00" + "59f4a931744dcdc6" + "0800" + "0800" + "01000000" + "0800" + "0900" + "08000000";
  /** NLMSG_DONE with error 0, in a buffer of its own as the kernel sent it. */
  private static final String DONE = "14000000" + "0300" + "0200" + "4d000000" + "26710000" + "00000000";

  @Test
  void theRequestAsksForADumpOfTheInterfacesClsactIngressHook() {
    ByteBuffer request = TcFilters.request(3, TcHook.Point.INGRESS, 77);

    assertThat(hex(request)).isEqualTo(""
        + "24000000" // nlmsg_len 36
        + "2e00" // RTM_GETTFILTER
        + "0103" // NLM_F_REQUEST | NLM_F_DUMP
        + "4d000000" + "00000000" // seq 77, port id 0 (the kernel)
        + "00" + "00" + "0000" // tcm_family AF_UNSPEC, padding
        + "03000000" + "00000000" // ifindex 3, handle 0
        + "f2ffffff" // parent TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
        + "00000000"); // info: any priority and protocol
    assertThat(hex(TcFilters.request(3, TcHook.Point.EGRESS, 77))).contains("f3ffffff");
  }

  @Test
  void aDumpListsTheFiltersInRunningOrderWithTheirPrograms() {
    TcFilters.Reply reply = TcFilters.parse(bytes(DUMP), 77);

    assertThat(reply.done()).isFalse();
    assertThat(reply.filters()).containsExactly(
        new TcFilter(0, 1, 0x0003, 0x7, "bpf", "cni_pass:[1341]", 1341, true),
        new TcFilter(0, 1, 0x0003, 0xF10E, "bpf", "cni_pass:[1342]", 1342, true),
        new TcFilter(0, 1, 0x0003, 0x1, "bpf", "cni_pass:[1341]", 1341, true));
    assertThat(reply.filters()).extracting(TcFilter::isOurs).containsExactly(false, true, false);
    assertThat(reply.filters().getFirst().describe()).isEqualTo("bpf filter pref 1 handle 0x7 (prog 1341 cni_pass:[1341], direct-action)");
  }

  @Test
  void theDumpEndsWithNlmsgDone() {
    TcFilters.Reply reply = TcFilters.parse(bytes(DONE), 77);

    assertThat(reply).isEqualTo(new TcFilters.Reply(java.util.List.of(), true, 0));
  }

  @Test
  void anErrorReplyEndsTheDumpWithItsErrno() {
    // NLMSG_ERROR: error -19 (ENODEV), then the request's header
    String error = "24000000" + "0200" + "0000" + "4d000000" + "26710000" + "edffffff" + "24000000" + "2e00" + "0103" + "4d000000"
        + "00000000";

    assertThat(TcFilters.parse(bytes(error), 77)).isEqualTo(new TcFilters.Reply(java.util.List.of(), true, Errno.ENODEV));
  }

  @Test
  void messagesOfAnotherRequestAreIgnored() {
    assertThat(TcFilters.parse(bytes(DUMP), 78).filters()).isEmpty();
    assertThat(TcFilters.parse(bytes(DONE), 78).done()).isFalse();
  }

  @Test
  void aMessageLongerThanTheBufferIsRefused() {
    String cut = DUMP.substring(0, DUMP.length() - 8);

    assertThatThrownBy(() -> TcFilters.parse(bytes(cut), 77)).isInstanceOf(BpfException.class)
        .hasMessageContaining("malformed rtnetlink reply: message of 112 bytes at offset 276 of 384");
  }

  @Test
  void otherClassifiersAreListedByKindOnly() {
    // a u32 filter at priority 49152, handle 0x800: kind "u32", its own options not read as bpf ones
    String u32 = "40000000" + "2c00" + "0200" + "4d000000" + "26710000"
        + "00" + "00" + "0000" + "03000000" + "00080000" + "f2ffffff" + "0800" + "00c0"
        + "0800" + "0100" + "75333200" + "0800" + "0b00" + "00000000"
        + "0c00" + "0200" + "0800" + "0b00" + "2a000000";

    assertThat(TcFilters.parse(bytes(u32), 77).filters())
        .containsExactly(new TcFilter(0, 49152, 0x0800, 0x800, "u32", null, 0, false));
    assertThat(TcFilters.parse(bytes(u32), 77).filters().getFirst().describe()).isEqualTo("u32 filter pref 49152 handle 0x800");
  }

  private static ByteBuffer bytes(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static String hex(ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
