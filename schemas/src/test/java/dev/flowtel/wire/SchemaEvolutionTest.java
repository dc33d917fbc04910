package dev.flowtel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

  private final SchemaCatalog catalog = SchemaCatalog.published();

  @Test
  void everyRecordTypeOfThisBuildIsPublishedAndCompatibleWithEveryPublishedVersion() {
    for (RecordType<?> type : RecordType.all()) {
      List<Schema> versions = catalog.versions(type.name()).stream().map(SchemaCatalog.PublishedSchema::schema).toList();
      assertThat(SchemaEvolution.problems(type.name(), versions, type.currentSchema()))
          .as("schema evolution of %s", type.name())
          .isEmpty();
    }
  }

  @Test
  void changingAFieldsTypeIsRefusedBothWaysWithTheFieldNamed() {
    Schema broken = FlowEventVariants.withFieldType("bytes", Schema.create(Schema.Type.STRING));
    List<String> problems = SchemaEvolution.problems("FlowEvent", publishedFlowEvent(), broken);
    problems.forEach(p -> System.out.println("[deliberately broken copy] " + p));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("FlowEvent: not backward compatible: this build's schema cannot read records written with v1: TYPE_MISMATCH")
        .contains("/fields/12/type"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("FlowEvent: not forward compatible: v1 cannot read records written with this build's schema: TYPE_MISMATCH"));
  }

  @Test
  void addingARequiredFieldIsRefusedBecauseOldRecordsLackIt() {
    Schema broken = FlowEventVariants.withExtraField(new Schema.Field("clusterName", Schema.create(Schema.Type.STRING)));
    List<String> problems = SchemaEvolution.problems("FlowEvent", publishedFlowEvent(), broken);
    problems.forEach(p -> System.out.println("[deliberately broken copy] " + p));
    assertThat(problems).containsExactly(
        "FlowEvent: not backward compatible: this build's schema cannot read records written with v1:"
            + " READER_FIELD_MISSING_DEFAULT_VALUE clusterName at /fields/28",
        "FlowEvent: not backward compatible: this build's schema cannot read records written with v2:"
            + " READER_FIELD_MISSING_DEFAULT_VALUE clusterName at /fields/28");
  }

  @Test
  void anOptionalFieldWithADefaultIsCompatibleButMustBePublishedBeforeItShips() {
    Schema evolved = FlowEventVariants.withExtraField(new Schema.Field("clusterName",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null, Schema.Field.NULL_DEFAULT_VALUE));
    assertThat(SchemaEvolution.problems("FlowEvent", publishedFlowEvent(), evolved)).containsExactly(
        "FlowEvent: the schema in src/main/avro is not published; publish it as v3 with: ./flowtel dev publish-schemas"
            + " (it is compatible with every published version)");
  }

  @Test
  void addingAnEnumSymbolIsCompatibleBecauseOldReadersFallBackToTheDefault() {
    Schema direction = Schema.createEnum("Direction", null, "dev.flowtel.schema",
        List.of("INGRESS", "EGRESS", "UNKNOWN", "BOTH"), "UNKNOWN");
    Schema moreDirections = FlowEventVariants.withFieldType("direction", direction);
    assertThat(SchemaEvolution.problems("FlowEvent", publishedFlowEvent(), moreDirections))
        .singleElement().asString().contains("is not published");
  }

  private List<Schema> publishedFlowEvent() {
    return catalog.versions("FlowEvent").stream().map(SchemaCatalog.PublishedSchema::schema).toList();
  }
}
