package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lists the legacy tc filters on one clsact hook with an rtnetlink dump (RTM_GETTFILTER), the
 * request {@code tc filter show dev X ingress} sends, over an AF_NETLINK socket of our own: no
 * external command, so the collector image needs no iproute2. The kernel lists them in the order it
 * runs them: by chain, then priority, then, within one priority, in list order. Runs in the calling
 * thread's network namespace.
 */
public final class TcFilters {

  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_ROUTE = 0;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int RTM_NEWTFILTER = 44;
  static final int RTM_GETTFILTER = 46;
  private static final int NLM_F_REQUEST = 0x1;
  private static final int NLM_F_DUMP = 0x300;
  private static final int NLMSG_HEADER = 16;
  private static final int TCMSG = 20;
  static final int REQUEST_SIZE = NLMSG_HEADER + TCMSG;
  // struct nlattr types of a filter message, and of a bpf filter's TCA_OPTIONS
  private static final int TCA_KIND = 1;
  private static final int TCA_OPTIONS = 2;
  private static final int TCA_CHAIN = 11;
  private static final int TCA_BPF_NAME = 7;
  private static final int TCA_BPF_FLAGS = 8;
  private static final int TCA_BPF_ID = 11;
  private static final int TCA_BPF_FLAG_ACT_DIRECT = 1;
  private static final int NLA_TYPE_MASK = 0x3FFF;
  /** TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS / TC_H_MIN_EGRESS): the parents of the two clsact hooks. */
  static final int PARENT_INGRESS = 0xFFFFFFF2;
  static final int PARENT_EGRESS = 0xFFFFFFF3;
  private static final int RECEIVE_BUFFER = 64 * 1024; // a dump part is at most 32 KiB
  private static final AtomicInteger SEQUENCE = new AtomicInteger(1);

  private TcFilters() {}

  /** What one received buffer held: filters, and whether the dump ended (with an error, when errno is not 0). */
  record Reply(List<TcFilter> filters, boolean done, int errno) {}

  /**
   * The filters on the hook, in the order the kernel runs them; an empty list when the interface
   * has no clsact qdisc or is gone.
   */
  public static List<TcFilter> list(int ifindex, String ifname, TcHook.Point point) {
    String subject = "interface " + ifname + " (ifindex " + ifindex + ") " + point;
    int seq = SEQUENCE.getAndIncrement();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Libbpf.CAPTURE_LAYOUT);
      int fd = (int) Libbpf.SOCKET.invokeExact(errno, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
      if (fd < 0) {
        throw new BpfException("socket(AF_NETLINK)", subject, Libbpf.errno(errno));
      }
      try {
        MemorySegment request = arena.allocate(REQUEST_SIZE, 4);
        request.copyFrom(MemorySegment.ofBuffer(request(ifindex, point, seq)));
        long sent = (long) Libbpf.SEND.invokeExact(errno, fd, request, (long) REQUEST_SIZE, 0);
        if (sent < 0) {
          throw new BpfException("send(RTM_GETTFILTER)", subject, Libbpf.errno(errno));
        }
        MemorySegment buffer = arena.allocate(RECEIVE_BUFFER, 8);
        List<TcFilter> filters = new ArrayList<>();
        while (true) {
          long received = (long) Libbpf.RECV.invokeExact(errno, fd, buffer, (long) RECEIVE_BUFFER, 0);
          if (received < 0) {
            throw new BpfException("recv(RTM_GETTFILTER)", subject, Libbpf.errno(errno));
          }
          Reply reply = parse(buffer.asSlice(0, received).asByteBuffer().order(ByteOrder.nativeOrder()), seq);
          filters.addAll(reply.filters());
          if (reply.done()) {
            if (reply.errno() == Errno.EINVAL || reply.errno() == Errno.ENODEV || reply.errno() == Errno.ENOENT) {
              return List.of(); // no clsact qdisc, or the interface is gone
            }
            if (reply.errno() != 0) {
              throw new BpfException("RTM_GETTFILTER dump", subject, reply.errno());
            }
            return List.copyOf(filters);
          }
          if (received == 0) {
            throw new BpfException("RTM_GETTFILTER dump on " + subject + " ended without NLMSG_DONE");
          }
        }
      } finally {
        Libbpf.closeFd(fd);
      }
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The dump request: struct nlmsghdr, then struct tcmsg naming the interface and the clsact hook. */
  static ByteBuffer request(int ifindex, TcHook.Point point, int seq) {
    ByteBuffer b = ByteBuffer.allocate(REQUEST_SIZE).order(ByteOrder.nativeOrder());
    b.putInt(REQUEST_SIZE).putShort((short) RTM_GETTFILTER).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(seq).putInt(0);
    b.put((byte) 0).put((byte) 0).putShort((short) 0); // tcm_family AF_UNSPEC, padding
    b.putInt(ifindex).putInt(0).putInt(point == TcHook.Point.INGRESS ? PARENT_INGRESS : PARENT_EGRESS).putInt(0);
    return b.flip();
  }

  /**
   * Reads the netlink messages of one received buffer that answer request {@code seq}. Each
   * priority's classifier comes first as an entry of its own with handle 0 (no filter): those are
   * left out.
   */
  static Reply parse(ByteBuffer buffer, int seq) {
    List<TcFilter> filters = new ArrayList<>();
    int at = buffer.position();
    while (buffer.limit() - at >= NLMSG_HEADER) {
      int length = buffer.getInt(at);
      int type = buffer.getShort(at + 4) & 0xFFFF;
      int messageSeq = buffer.getInt(at + 8);
      if (length < NLMSG_HEADER || length > buffer.limit() - at) {
        throw new BpfException("malformed rtnetlink reply: message of " + length + " bytes at offset " + at + " of "
            + buffer.limit());
      }
      if (messageSeq == seq) {
        if (type == NLMSG_DONE || type == NLMSG_ERROR) {
          int error = length >= NLMSG_HEADER + 4 ? buffer.getInt(at + NLMSG_HEADER) : 0;
          return new Reply(List.copyOf(filters), true, -error);
        }
        if (type == RTM_NEWTFILTER && length >= NLMSG_HEADER + TCMSG) {
          TcFilter filter = filter(buffer, at + NLMSG_HEADER, at + length);
          if (filter != null) {
            filters.add(filter);
          }
        }
      }
      at += align(length);
    }
    return new Reply(List.copyOf(filters), false, 0);
  }

  private static TcFilter filter(ByteBuffer b, int tcmsg, int end) {
    int handle = b.getInt(tcmsg + 8);
    int info = b.getInt(tcmsg + 16);
    if (handle == 0) {
      return null; // the classifier's own entry
    }
    int priority = info >>> 16;
    int protocol = Short.reverseBytes((short) info) & 0xFFFF; // network order in the low 16 bits
    int chain = 0;
    String kind = "?";
    String name = null;
    int programId = 0;
    boolean directAction = false;
    for (int at = tcmsg + TCMSG; end - at >= 4; ) {
      int length = b.getShort(at) & 0xFFFF;
      int type = b.getShort(at + 2) & NLA_TYPE_MASK;
      if (length < 4 || length > end - at) {
        throw new BpfException("malformed rtnetlink filter attribute: " + length + " bytes at offset " + at);
      }
      int value = at + 4;
      switch (type) {
        case TCA_KIND -> kind = string(b, value, length - 4);
        case TCA_CHAIN -> chain = b.getInt(value);
        case TCA_OPTIONS -> {
          for (int o = value; at + length - o >= 4; ) {
            int olength = b.getShort(o) & 0xFFFF;
            int otype = b.getShort(o + 2) & NLA_TYPE_MASK;
            if (olength < 4 || olength > at + length - o) {
              throw new BpfException("malformed rtnetlink filter option: " + olength + " bytes at offset " + o);
            }
            switch (otype) {
              case TCA_BPF_NAME -> name = string(b, o + 4, olength - 4);
              case TCA_BPF_ID -> programId = b.getInt(o + 4);
              case TCA_BPF_FLAGS -> directAction = (b.getInt(o + 4) & TCA_BPF_FLAG_ACT_DIRECT) != 0;
              default -> { }
            }
            o += align(olength);
          }
        }
        default -> { }
      }
      at += align(length);
    }
    // only a bpf filter's options are read as bpf ones: other classifiers number theirs differently
    return kind.equals("bpf") ? new TcFilter(chain, priority, protocol, handle, kind, name, programId, directAction)
        : new TcFilter(chain, priority, protocol, handle, kind, null, 0, false);
  }

  private static String string(ByteBuffer b, int at, int length) {
    int n = 0;
    while (n < length && b.get(at + n) != 0) {
      n++;
    }
    byte[] bytes = new byte[n];
    b.get(at, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static int align(int length) {
    return (length + 3) & ~3;
  }
}
