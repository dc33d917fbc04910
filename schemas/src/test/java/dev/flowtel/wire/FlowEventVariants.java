package dev.flowtel.wire;

import dev.flowtel.schema.FlowEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;

/** Edited copies of FlowEvent's schema, as a developer might write them, for evolution tests. */
final class FlowEventVariants {

  private FlowEventVariants() {}

  static Schema without(String fieldName) {
    return edit(fields -> {
      fields.removeIf(f -> f.name().equals(fieldName));
      return fields;
    });
  }

  static Schema withFieldType(String fieldName, Schema type) {
    return edit(fields -> {
      fields.replaceAll(f -> f.name().equals(fieldName) ? new Schema.Field(f.name(), type, f.doc()) : f);
      return fields;
    });
  }

  static Schema withExtraField(Schema.Field extra) {
    return edit(fields -> {
      fields.add(extra);
      return fields;
    });
  }

  private static Schema edit(UnaryOperator<List<Schema.Field>> change) {
    Schema current = FlowEvent.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : current.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, change.apply(fields));
  }
}
