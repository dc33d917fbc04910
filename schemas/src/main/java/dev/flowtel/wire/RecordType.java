package dev.flowtel.wire;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.StagedPolicyVerdict;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** One top-level record type that Flowtel puts on the wire, with its current (newest) schema. */
public record RecordType<T extends SpecificRecordBase>(String name, Class<T> javaClass, Schema currentSchema) {

  public static final RecordType<FlowEvent> FLOW_EVENT =
      new RecordType<>("FlowEvent", FlowEvent.class, FlowEvent.getClassSchema());
  public static final RecordType<ClusterState> CLUSTER_STATE =
      new RecordType<>("ClusterState", ClusterState.class, ClusterState.getClassSchema());
  public static final RecordType<ServiceTraffic> SERVICE_TRAFFIC =
      new RecordType<>("ServiceTraffic", ServiceTraffic.class, ServiceTraffic.getClassSchema());
  public static final RecordType<PolicyAnomaly> POLICY_ANOMALY =
      new RecordType<>("PolicyAnomaly", PolicyAnomaly.class, PolicyAnomaly.getClassSchema());
  public static final RecordType<StagedPolicyVerdict> STAGED_POLICY_VERDICT =
      new RecordType<>("StagedPolicyVerdict", StagedPolicyVerdict.class, StagedPolicyVerdict.getClassSchema());

  public static final RecordType<DnsTransaction> DNS_TRANSACTION =
      new RecordType<>("DnsTransaction", DnsTransaction.class, DnsTransaction.getClassSchema());
  public static final RecordType<DnsActivity> DNS_ACTIVITY =
      new RecordType<>("DnsActivity", DnsActivity.class, DnsActivity.getClassSchema());

  /** The type of that name; for code that must ship a type across JVMs by name (Flink functions). */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecordBase> RecordType<T> named(String name) {
    return (RecordType<T>) all().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown record type " + name));
  }

  public static List<RecordType<?>> all() {
    return List.of(FLOW_EVENT, CLUSTER_STATE, SERVICE_TRAFFIC, POLICY_ANOMALY, STAGED_POLICY_VERDICT, DNS_TRANSACTION,
        DNS_ACTIVITY);
  }
}
