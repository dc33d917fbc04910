package dev.flowtel.core.policy.whatif;

/**
 * One workload's line of the what-if table: its edges (as source or destination) by change, and
 * the traffic the proposal would newly deny.
 */
public record WorkloadTotals(String workload, long newlyDenied, long newlyAllowed, long stillAllowed, long stillDenied,
    long undetermined, long newlyDeniedFlows, long newlyDeniedBytes) {

  WorkloadTotals plus(EdgeChange change) {
    boolean denied = change.change() == EdgeChange.Change.NEWLY_DENIED;
    return new WorkloadTotals(workload,
        newlyDenied + (denied ? 1 : 0),
        newlyAllowed + (change.change() == EdgeChange.Change.NEWLY_ALLOWED ? 1 : 0),
        stillAllowed + (change.change() == EdgeChange.Change.STILL_ALLOWED ? 1 : 0),
        stillDenied + (change.change() == EdgeChange.Change.STILL_DENIED ? 1 : 0),
        undetermined + (change.change() == EdgeChange.Change.UNDETERMINED ? 1 : 0),
        newlyDeniedFlows + (denied ? change.flows() : 0),
        newlyDeniedBytes + (denied ? change.bytes() : 0));
  }
}
