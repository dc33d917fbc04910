package dev.flowtel.collector.bpf;

/**
 * Every case of {@link TcProgramParserTest} again, with the programs reading each header through
 * bpf_skb_load_bytes: the path of packets whose headers are not in the skb's linear part.
 */
class TcProgramParserCopyingHeadersTest extends TcProgramParserTest {

  @Override
  boolean copyHeaders() {
    return true;
  }
}
