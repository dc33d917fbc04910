package dev.flowtel.sink.elasticsearch.index;

import java.util.List;

/** What one run of setup did to each resource; {@link #changedNothing()} after a repeated run. */
public record SetupReport(List<Step> steps, boolean lifecycleAvailable) {

  public enum Action { CREATED, UPDATED, UNCHANGED, SKIPPED }

  /** One resource: {@code kind} like "index template", its name, what happened, and why when skipped. */
  public record Step(String kind, String name, Action action, String detail) {
    @Override
    public String toString() {
      return String.format("%-20s %-28s %s%s", kind, name, action.name().toLowerCase(java.util.Locale.ROOT),
          detail == null ? "" : " (" + detail + ")");
    }
  }

  public SetupReport {
    steps = List.copyOf(steps);
  }

  public boolean changedNothing() {
    return steps.stream().noneMatch(s -> s.action() == Action.CREATED || s.action() == Action.UPDATED);
  }

  public long changes() {
    return steps.stream().filter(s -> s.action() == Action.CREATED || s.action() == Action.UPDATED).count();
  }

  /** The closing line: says plainly when a run changed nothing. */
  public String summary() {
    return changedNothing()
        ? "Nothing changed: every template and policy was already up to date."
        : changes() + " change(s) applied.";
  }
}
