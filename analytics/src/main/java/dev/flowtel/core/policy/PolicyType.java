package dev.flowtel.core.policy;

/** The two directions a NetworkPolicy can isolate, spelled as in {@code spec.policyTypes}. */
public enum PolicyType {
  Ingress,
  Egress;

  /**
   * @throws IllegalArgumentException naming the two accepted values
   */
  public static PolicyType parse(String text) {
    for (PolicyType type : values()) {
      if (type.name().equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException("policy type \"" + text + "\" is not Ingress or Egress");
  }

  /** {@code ingress} or {@code egress}, as the spec fields are named. */
  public String fieldName() {
    return this == Ingress ? "ingress" : "egress";
  }
}
