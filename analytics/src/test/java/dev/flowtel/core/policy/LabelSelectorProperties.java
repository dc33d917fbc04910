package dev.flowtel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.LabelSelector.Requirement;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Label selector semantics as properties over small label universes (so that keys collide often). */
class LabelSelectorProperties {

  @Provide
  Arbitrary<Map<String, String>> labels() {
    return Arbitraries.maps(Arbitraries.of("app", "tier", "env", "team"), Arbitraries.of("web", "db", "prod", "dev", ""))
        .ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of("app", "tier", "env", "team");
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.of("web", "db", "prod", "dev", "");
  }

  @Property
  void theEmptySelectorSelectsEverything(@ForAll("labels") Map<String, String> labels) {
    assertThat(LabelSelector.EVERYTHING.matches(labels)).isTrue();
  }

  @Property
  void matchLabelsSelectsExactlyTheSupersets(@ForAll("labels") Map<String, String> wanted, @ForAll("labels") Map<String, String> labels) {
    boolean subset = labels.entrySet().containsAll(wanted.entrySet());
    assertThat(LabelSelector.matchLabels(wanted).matches(labels)).isEqualTo(subset);
  }

  @Property
  void anObjectIsSelectedByItsOwnLabels(@ForAll("labels") Map<String, String> labels, @ForAll("labels") Map<String, String> extra) {
    Map<String, String> more = new HashMap<>(extra);
    more.putAll(labels);
    assertThat(LabelSelector.matchLabels(labels).matches(more)).isTrue();
  }

  @Property
  void notInIsTheNegationOfIn(@ForAll("keys") String key, @ForAll("values") String value, @ForAll("labels") Map<String, String> labels) {
    assertThat(Requirement.notIn(key, value).matches(labels)).isEqualTo(!Requirement.in(key, value).matches(labels));
  }

  @Property
  void doesNotExistIsTheNegationOfExists(@ForAll("keys") String key, @ForAll("labels") Map<String, String> labels) {
    assertThat(Requirement.doesNotExist(key).matches(labels)).isEqualTo(!Requirement.exists(key).matches(labels));
  }

  @Property
  void inImpliesExistsAndDoesNotExistImpliesNotIn(@ForAll("keys") String key, @ForAll("values") String value,
      @ForAll("labels") Map<String, String> labels) {
    if (Requirement.in(key, value).matches(labels)) {
      assertThat(Requirement.exists(key).matches(labels)).isTrue();
    }
    if (Requirement.doesNotExist(key).matches(labels)) {
      assertThat(Requirement.notIn(key, value).matches(labels)).isTrue();
    }
  }

  @Property
  void inWithOneValueEqualsMatchLabels(@ForAll("keys") String key, @ForAll("values") String value,
      @ForAll("labels") Map<String, String> labels) {
    assertThat(LabelSelector.of(Map.of(), Requirement.in(key, value)).matches(labels))
        .isEqualTo(LabelSelector.matchLabels(Map.of(key, value)).matches(labels));
  }

  @Property
  void requirementsAreAnded(@ForAll("keys") String k1, @ForAll("values") String v1, @ForAll("keys") String k2,
      @ForAll("labels") Map<String, String> labels) {
    Requirement first = Requirement.in(k1, v1);
    Requirement second = Requirement.exists(k2);
    assertThat(LabelSelector.of(Map.of(), first, second).matches(labels))
        .isEqualTo(first.matches(labels) && second.matches(labels));
  }
}
