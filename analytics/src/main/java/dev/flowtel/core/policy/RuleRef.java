package dev.flowtel.core.policy;

/** One rule of one policy, by position: {@code x/allow-web ingress[1]}. */
public record RuleRef(String policy, PolicyType type, int index) {

  @Override
  public String toString() {
    return policy + " " + type.fieldName() + "[" + index + "]";
  }
}
