package dev.flowtel.collector.capture;

import dev.flowtel.collector.bpf.BpfException;
import dev.flowtel.collector.bpf.Errno;
import dev.flowtel.collector.bpf.HookChain;
import dev.flowtel.collector.bpf.NetworkNamespace;
import dev.flowtel.collector.bpf.TcHook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the TC programs attached to the pod veths and uplinks of one network namespace as pods
 * come and go: every poll interval it lists the interfaces, attaches both programs (ingress and
 * egress) to new matching ones and drops what it held on vanished ones. At start it removes our
 * own legacy clsact filters (our handle and priority) that a killed run left anywhere in the
 * namespace; on close it detaches everything.
 *
 * <p>All of it runs on one platform thread that first enters the configured namespace: netlink
 * calls and interface indexes are per namespace and per thread. Interfaces are listed from
 * {@code /proc/thread-self/net/dev}, which (unlike /sys/class/net) follows that thread's namespace.
 *
 * <p>It shares the hooks with the CNI's own programs. After attaching and at every poll it looks at
 * what runs on each hook before ours (TCX programs, legacy filters): anything there may end
 * processing with a verdict and hide packets from us, so the first time a hook is in that state it
 * says so at WARN, and {@link #shadowedHooks} counts such hooks. When our program has vanished
 * from a hook (someone removed the filter or the clsact qdisc), it attaches again.
 */
public final class InterfaceAttacher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InterfaceAttacher.class);

  private final CaptureProgram program;
  private final CaptureSettings settings;
  private final ScheduledExecutorService thread;
  private final Runnable interfacesChanged;
  private final Map<String, Attached> attached = new HashMap<>();
  private final Map<Integer, String> names = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Integer, String> recentlyGone = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, String> eldest) {
      return size() > 4096;
    }
  });
  private final AtomicLong attachFailures = new AtomicLong();
  /** Per interface and hook, what ran before ours when we last looked (absent: nothing). */
  private final Map<String, Map<TcHook.Point, List<String>>> shadowed = new HashMap<>();
  private volatile Map<TcHook.Point, Integer> shadowedCounts = Map.of();
  private volatile boolean tcxUnavailable;
  private volatile List<String> attachedNames = List.of();

  private record Attached(int ifindex, TcHook.Attachment ingress, TcHook.Attachment egress) {}

  public InterfaceAttacher(CaptureProgram program, CaptureSettings settings) {
    this(program, settings, () -> { });
  }

  /**
   * @param interfacesChanged called on the attacher's thread after interfaces were attached or
   *     detached in one poll: the kernel decides once per flow and table which hook counts a flow,
   *     so the caller flips the tables to have those decisions made afresh
   */
  public InterfaceAttacher(CaptureProgram program, CaptureSettings settings, Runnable interfacesChanged) {
    this.program = program;
    this.settings = settings;
    this.interfacesChanged = interfacesChanged;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = Thread.ofPlatform().name("flowtel-attacher").daemon(true).unstarted(r);
      return t;
    });
  }

  /** Enters the namespace, removes stale filters, attaches to what exists, then keeps polling. */
  public void start() {
    runOnThread(() -> {
      if (settings.namespace() != null) {
        NetworkNamespace.enter(settings.namespace());
      }
      removeStaleFilters();
      poll();
    });
    long every = settings.interfacePollInterval().toMillis();
    thread.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
  }

  /** Names of the interfaces the programs are attached to now. */
  public List<String> attachedInterfaces() {
    return attachedNames;
  }

  /** The name of {@code ifindex} in the namespace, also for a while after it vanished; null if never seen. */
  public String interfaceName(int ifindex) {
    String name = names.get(ifindex);
    return name != null ? name : recentlyGone.get(ifindex);
  }

  /**
   * Attached interfaces whose {@code point} hook runs something before our program that may end
   * processing there (each logged at WARN when first seen).
   */
  public int shadowedHooks(TcHook.Point point) {
    return shadowedCounts.getOrDefault(point, 0);
  }

  /** Interfaces that could not be attached (each failure logged with its reason). */
  public long attachFailures() {
    return attachFailures.get();
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("listing or attaching interfaces failed, retrying in {}: {}", settings.interfacePollInterval(), e.getMessage());
    }
  }

  private void poll() {
    Map<String, Integer> present = listInterfaces();
    boolean detached = false;
    for (var it = attached.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      Integer index = present.get(entry.getKey());
      if (index == null || index != entry.getValue().ifindex() || !stillAttached(entry.getKey(), entry.getValue(), false)) {
        detach(entry.getKey(), entry.getValue());
        it.remove();
        detached = true;
      }
    }
    int kept = attached.size();
    present.forEach((name, index) -> {
      CaptureProgram.InterfaceRole role = roleOf(name);
      if (role != null && !attached.containsKey(name)) {
        try {
          Attached a = attach(name, index, role);
          attached.put(name, a);
          names.put(index, name);
          LOG.info("attached flow capture to {} (ifindex {}, {}, {})", name, index, role, a.ingress().mode());
          stillAttached(name, a, true);
        } catch (BpfException e) {
          attachFailures.incrementAndGet();
          LOG.warn("cannot attach flow capture to {}: {}", name, e.getMessage());
        }
      }
    });
    attachedNames = List.copyOf(attached.keySet());
    countShadowed();
    if (detached || attached.size() != kept) {
      interfacesChanged.run();
    }
  }

  /**
   * Looks at what runs on both hooks of {@code name}: warns the first time something runs before
   * ours, says when that is over, and returns false when our program is gone from a hook (to be
   * attached again). An interface that cannot be asked (it is going away) counts as attached.
   */
  private boolean stillAttached(String name, Attached a, boolean justAttached) {
    boolean present = true;
    for (TcHook.Point point : TcHook.Point.values()) {
      TcHook.Attachment attachment = point == TcHook.Point.INGRESS ? a.ingress() : a.egress();
      HookChain chain;
      try {
        chain = attachment.chain();
      } catch (BpfException e) {
        LOG.debug("cannot list the programs on {} {}: {}", name, point, e.getMessage());
        continue;
      }
      if (!chain.oursPresent()) {
        if (NetworkNamespace.interfaceIndex(name) != a.ifindex()) {
          return true; // going away: a filter dump of a vanished interface is empty; the next poll detaches
        }
        LOG.warn("our {} program is gone from {} {} (something removed it; on this hook now: {}); attaching again", attachment.mode(),
            name, point, chain.describe());
        present = false;
        continue;
      }
      List<String> ahead = chain.ahead();
      Map<TcHook.Point, List<String>> hooks = shadowed.computeIfAbsent(name, n -> new java.util.EnumMap<>(TcHook.Point.class));
      List<String> before = hooks.get(point);
      if (!ahead.isEmpty() && before == null) {
        LOG.warn("{} {}: {} run(s) before our flow capture and may end processing with a verdict, hiding packets from us: {}"
            + " (whole {} chain: {}){}", name, point, ahead.size(), ahead, attachment.mode(), chain.describe(), advice(attachment.mode()));
        hooks.put(point, ahead);
      } else if (ahead.isEmpty() && before != null) {
        LOG.info("{} {}: nothing runs before our flow capture any more ({} chain: {})", name, point, attachment.mode(), chain.describe());
        hooks.remove(point);
      } else if (!ahead.isEmpty()) {
        hooks.put(point, ahead);
      } else if (justAttached && chain.members().size() > 1) {
        LOG.info("{} {}: our flow capture runs first ({} chain: {})", name, point, attachment.mode(), chain.describe());
      }
    }
    return present;
  }

  private String advice(TcHook.Mode mode) {
    if (mode == TcHook.Mode.CLSACT) {
      return "; with TCX (kernel 6.6+, attach mode AUTO or TCX) our programs run before every legacy filter";
    }
    return settings.tcxPosition() == CaptureSettings.TcxPosition.TAIL ? "; the TCX position HEAD puts ours first" : "";
  }

  private void countShadowed() {
    shadowed.keySet().retainAll(attached.keySet());
    Map<TcHook.Point, Integer> counts = new java.util.EnumMap<>(TcHook.Point.class);
    for (TcHook.Point point : TcHook.Point.values()) {
      counts.put(point, (int) shadowed.values().stream().filter(hooks -> hooks.containsKey(point)).count());
    }
    shadowedCounts = Map.copyOf(counts);
  }

  private CaptureProgram.InterfaceRole roleOf(String name) {
    if (settings.uplinks().contains(name)) {
      return CaptureProgram.InterfaceRole.UPLINK;
    }
    if (settings.podInterfaces().matcher(name).matches()) {
      return CaptureProgram.InterfaceRole.POD_VETH;
    }
    return null;
  }

  private Attached attach(String name, int ifindex, CaptureProgram.InterfaceRole role) {
    program.setInterfaceRole(ifindex, role);
    TcHook.Attachment ingress = attachOne(program.ingressProgramFd(), ifindex, name, TcHook.Point.INGRESS);
    try {
      TcHook.Attachment egress = attachOne(program.egressProgramFd(), ifindex, name, TcHook.Point.EGRESS);
      return new Attached(ifindex, ingress, egress);
    } catch (BpfException e) {
      ingress.close();
      throw e;
    }
  }

  private TcHook.Attachment attachOne(int programFd, int ifindex, String name, TcHook.Point point) {
    CaptureSettings.AttachMode mode = settings.attachMode();
    if (mode == CaptureSettings.AttachMode.CLSACT || (mode == CaptureSettings.AttachMode.AUTO && tcxUnavailable)) {
      return TcHook.attachClsact(programFd, ifindex, name, point);
    }
    try {
      return TcHook.attachTcx(programFd, ifindex, name, point, settings.tcxPosition() == CaptureSettings.TcxPosition.HEAD);
    } catch (BpfException e) {
      boolean noTcx = e.errno() == Errno.EINVAL || e.errno() == Errno.EOPNOTSUPP || e.errno() == 524 /* ENOTSUPP */;
      if (mode == CaptureSettings.AttachMode.AUTO && noTcx) {
        LOG.info("this kernel has no TCX links ({}); using clsact filters (handle {}, priority {})", e.getMessage(),
            Integer.toHexString(TcHook.FILTER_HANDLE), TcHook.FILTER_PRIORITY);
        tcxUnavailable = true;
        return TcHook.attachClsact(programFd, ifindex, name, point);
      }
      throw e;
    }
  }

  private void detach(String name, Attached a) {
    a.ingress().close();
    a.egress().close();
    program.forgetInterface(a.ifindex());
    String last = names.remove(a.ifindex());
    if (last != null) {
      recentlyGone.put(a.ifindex(), last);
    }
    LOG.info("detached flow capture from {} (ifindex {})", name, a.ifindex());
  }

  private void removeStaleFilters() {
    listInterfaces().forEach((name, index) -> {
      for (TcHook.Point point : TcHook.Point.values()) {
        try {
          if (TcHook.detachOurFilter(index, name, point)) {
            LOG.info("removed a stale flowtel clsact filter from {} {}", name, point);
          }
        } catch (BpfException e) {
          LOG.warn("cannot check {} {} for a stale flowtel filter: {}", name, point, e.getMessage());
        }
      }
    });
  }

  /** Interface name to index, in the namespace of the calling (attacher) thread. */
  private static Map<String, Integer> listInterfaces() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/thread-self/net/dev"));
    } catch (IOException e) {
      throw new BpfException("cannot list interfaces from /proc/thread-self/net/dev: " + e.getMessage());
    }
    Map<String, Integer> interfaces = new LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.contains("|")) {
        continue; // the two header lines
      }
      String name = line.substring(0, colon).trim();
      int index = NetworkNamespace.interfaceIndex(name);
      if (index > 0) {
        interfaces.put(name, index);
      }
    }
    return interfaces;
  }

  private void runOnThread(Runnable task) {
    try {
      thread.submit(task).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while attaching", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("attaching did not finish within 30 s", e);
    }
  }

  /** Detaches from every interface (on the attacher thread, in its namespace) and stops polling. */
  @Override
  public void close() {
    if (thread.isShutdown()) {
      return;
    }
    try {
      runOnThread(() -> {
        List<String> failures = new ArrayList<>();
        attached.forEach((name, a) -> {
          try {
            detach(name, a);
          } catch (RuntimeException e) {
            failures.add(name + ": " + e.getMessage());
          }
        });
        attached.clear();
        attachedNames = List.of();
        countShadowed();
        if (!failures.isEmpty()) {
          LOG.warn("could not detach cleanly from {}", failures);
        }
      });
    } finally {
      thread.shutdownNow();
    }
  }
}
