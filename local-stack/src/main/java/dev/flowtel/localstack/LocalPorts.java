package dev.flowtel.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Loopback port helpers; every local server binds 127.0.0.1 only. */
public final class LocalPorts {

  private LocalPorts() {}

  /**
   * Ports handed out by this JVM: the kernel may offer a port again as soon as its probe socket is
   * closed, so two servers configured one after the other (a broker's controller and listener
   * ports, say) could be given the same one.
   */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port that was free a moment ago and that this JVM has not handed out before; the tiny race
   * with other processes is accepted for tests and local runs.
   */
  public static int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free loopback port", e);
      }
    }
    throw new IllegalStateException("the kernel kept offering loopback ports this JVM already handed out");
  }

  public static boolean inUse(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
