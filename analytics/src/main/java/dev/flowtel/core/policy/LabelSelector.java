package dev.flowtel.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Kubernetes label selector: every {@code matchLabels} pair and every requirement of
 * {@code matchExpressions} must hold. The empty selector selects everything.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  /** {@code {}}: selects every pod or namespace. */
  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  public LabelSelector {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  public static LabelSelector matchLabels(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }

  public static LabelSelector of(Map<String, String> labels, Requirement... requirements) {
    return new LabelSelector(labels, List.of(requirements));
  }

  public boolean selectsEverything() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /** Whether an object with these labels is selected. */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> wanted : matchLabels.entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    for (Requirement requirement : matchExpressions) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** Kubernetes' own text for a selector, as {@code kubectl get -l} takes it: {@code app=web,tier notin (db)}. */
  @Override
  public String toString() {
    if (selectsEverything()) {
      return "{}";
    }
    List<String> parts = new ArrayList<>();
    new TreeMap<>(matchLabels).forEach((k, v) -> parts.add(k + "=" + v));
    matchExpressions.forEach(r -> parts.add(r.toString()));
    return String.join(",", parts);
  }

  /** The operators of {@code matchExpressions}, spelled as in Kubernetes. */
  public enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist;

    /**
     * @throws IllegalArgumentException naming the four operators (Kubernetes spells them case-sensitively)
     */
    public static Operator parse(String text) {
      for (Operator operator : values()) {
        if (operator.name().equals(text)) {
          return operator;
        }
      }
      throw new IllegalArgumentException("operator \"" + text + "\" is not In, NotIn, Exists or DoesNotExist");
    }
  }

  /** One {@code matchExpressions} entry: key, operator and values. */
  public record Requirement(String key, Operator operator, Set<String> values) {

    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = Set.copyOf(values);
      // The API server refuses these, so a selector that reached us this way is a mistake in the input.
      switch (operator) {
        case In, NotIn -> {
          if (values.isEmpty()) {
            throw new IllegalArgumentException("operator " + operator + " needs at least one value");
          }
        }
        case Exists, DoesNotExist -> {
          if (!values.isEmpty()) {
            throw new IllegalArgumentException("operator " + operator + " takes no values");
          }
        }
      }
    }

    public static Requirement in(String key, String... values) {
      return new Requirement(key, Operator.In, Set.of(values));
    }

    public static Requirement notIn(String key, String... values) {
      return new Requirement(key, Operator.NotIn, Set.of(values));
    }

    public static Requirement exists(String key) {
      return new Requirement(key, Operator.Exists, Set.of());
    }

    public static Requirement doesNotExist(String key) {
      return new Requirement(key, Operator.DoesNotExist, Set.of());
    }

    /** NotIn holds for objects without the key, as in Kubernetes. */
    public boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case In -> value != null && values.contains(value);
        case NotIn -> value == null || !values.contains(value);
        case Exists -> value != null;
        case DoesNotExist -> value == null;
      };
    }

    @Override
    public String toString() {
      return switch (operator) {
        case In -> key + " in (" + String.join(",", new TreeSet<>(values)) + ")";
        case NotIn -> key + " notin (" + String.join(",", new TreeSet<>(values)) + ")";
        case Exists -> key;
        case DoesNotExist -> "!" + key;
      };
    }
  }
}
