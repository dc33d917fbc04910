package dev.flowtel.simulator.flow;

/** TCP flag bits as FlowEvent.tcpFlags ORs them. */
public final class TcpFlags {

  public static final int FIN = 1;
  public static final int SYN = 2;
  public static final int RST = 4;
  public static final int PSH = 8;
  public static final int ACK = 16;

  private TcpFlags() {}
}
