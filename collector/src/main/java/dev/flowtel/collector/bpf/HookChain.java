package dev.flowtel.collector.bpf;

import java.util.List;

/**
 * What runs on one TC hook of one interface, in the order the kernel runs it, and where our
 * program is among it. Everything before ours may end processing with a verdict (TCX_PASS /
 * TC_ACT_OK, a drop, a redirect), and then ours never sees the packet: we cannot know from outside
 * whether a program does, so all of it counts as "may hide packets".
 *
 * @param members descriptions of the programs and filters, in running order
 * @param ours    the index of ours in {@code members}, or -1 when ours is not there (any more)
 */
public record HookChain(List<String> members, int ours) {

  public HookChain {
    members = List.copyOf(members);
    if (ours < -1 || ours >= members.size()) {
      throw new IllegalArgumentException("our index " + ours + " is outside the chain of " + members.size());
    }
  }

  /** Whether our program is on the hook. */
  public boolean oursPresent() {
    return ours >= 0;
  }

  /** What runs before ours and may end processing there; empty when ours runs first or is absent. */
  public List<String> ahead() {
    return ours <= 0 ? List.of() : members.subList(0, ours);
  }

  /** "[prog 12 cil_from_container, prog 34 flowtel_ingress (ours)]"-like text for the log. */
  public String describe() {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < members.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(members.get(i)).append(i == ours ? " (ours)" : "");
    }
    return s.append(']').toString();
  }
}
