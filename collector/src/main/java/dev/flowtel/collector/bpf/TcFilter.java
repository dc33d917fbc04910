package dev.flowtel.collector.bpf;

/**
 * One legacy tc filter on a clsact hook, as the kernel lists it (RTM_NEWTFILTER).
 *
 * @param chain        filter chain; packets start in chain 0
 * @param priority     the filter's priority ("pref"): lower runs first
 * @param protocol     the EtherType it matches (0x0003: all), host order
 * @param handle       its handle within the priority
 * @param kind         classifier: "bpf", "u32", "flower", "matchall", ...
 * @param programName  a bpf filter's name as tc or libbpf gave it (often "prog:[id]"), else null
 * @param programId    a bpf filter's program id, else 0
 * @param directAction whether a bpf filter runs in direct-action mode: its return value is the verdict
 */
public record TcFilter(int chain, int priority, int protocol, int handle, String kind, String programName, int programId,
    boolean directAction) {

  /** Whether this is the filter at our handle and priority in chain 0. */
  public boolean isOurs() {
    return chain == 0 && handle == TcHook.FILTER_HANDLE && priority == TcHook.FILTER_PRIORITY;
  }

  /** "bpf filter pref 1 handle 0x1 (prog 57 cil_from_container, direct-action)"-like text for the log. */
  public String describe() {
    StringBuilder s = new StringBuilder().append(kind).append(" filter pref ").append(priority).append(" handle 0x")
        .append(Integer.toHexString(handle));
    if (chain != 0) {
      s.append(" chain ").append(chain);
    }
    if (kind.equals("bpf")) {
      s.append(" (prog ").append(programId);
      if (programName != null && !programName.isEmpty()) {
        s.append(' ').append(programName);
      }
      s.append(directAction ? ", direct-action)" : ")");
    }
    return s.toString();
  }
}
