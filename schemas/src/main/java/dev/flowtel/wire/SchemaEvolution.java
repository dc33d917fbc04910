package dev.flowtel.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The rule that keeps Flowtel's wire format evolvable: every version of a record type, the one in
 * this build included, is backward and forward compatible with every other published version, so
 * any reader decodes any writer. {@code ./flowtel dev publish-schemas} publishes changed schemas as new versions.
 */
public final class SchemaEvolution {

  private SchemaEvolution() {}

  /** Problems with {@code current} against the published {@code versions} of its type; empty when it may ship. */
  public static List<String> problems(String typeName, List<Schema> versions, Schema current) {
    List<String> problems = new ArrayList<>();
    List<Schema> all = new ArrayList<>(versions);
    long currentFingerprint = SchemaCatalog.fingerprint(current);
    boolean published = versions.stream().anyMatch(v -> SchemaCatalog.fingerprint(v) == currentFingerprint);
    if (!published) {
      all.add(current);
    }
    for (int older = 0; older < all.size(); older++) {
      for (int newer = older + 1; newer < all.size(); newer++) {
        String olderName = versionName(older, versions.size());
        String newerName = versionName(newer, versions.size());
        describe(problems, typeName, "backward", newerName, olderName,
            SchemaCompatibility.checkReaderWriterCompatibility(all.get(newer), all.get(older)));
        describe(problems, typeName, "forward", olderName, newerName,
            SchemaCompatibility.checkReaderWriterCompatibility(all.get(older), all.get(newer)));
      }
    }
    if (!published && problems.isEmpty()) {
      problems.add(typeName + ": the schema in src/main/avro is not published; publish it as v" + (versions.size() + 1)
          + " with: ./flowtel dev publish-schemas (it is compatible with every published version)");
    }
    return problems;
  }

  private static String versionName(int index, int publishedCount) {
    return index < publishedCount ? "v" + (index + 1) : "this build's schema";
  }

  private static void describe(List<String> problems, String typeName, String direction, String readerName,
      String writerName, SchemaPairCompatibility result) {
    if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      problems.add(String.format("%s: not %s compatible: %s cannot read records written with %s: %s %s at %s",
          typeName, direction, readerName, writerName, incompatibility.getType(), incompatibility.getMessage(),
          incompatibility.getLocation()));
    }
  }

  /**
   * Checks every record type of this build against the published versions and, when
   * {@code publishTo} is a resources folder, writes each changed and compatible schema there as the
   * next version. Returns false when some schema is incompatible (and so cannot be published).
   */
  @SuppressWarnings("deprecation")
  public static boolean checkAndPublish(Path publishTo, PrintStream out) throws IOException {
    SchemaCatalog catalog = SchemaCatalog.published();
    boolean compatible = true;
    for (RecordType<?> type : RecordType.all()) {
      List<Schema> versions = catalog.versions(type.name()).stream().map(SchemaCatalog.PublishedSchema::schema).toList();
      List<String> problems = problems(type.name(), versions, type.currentSchema());
      boolean onlyUnpublished = problems.size() == 1 && problems.get(0).contains("is not published");
      if (onlyUnpublished && publishTo != null) {
        Path file = publishTo.resolve(SchemaCatalog.RESOURCE_ROOT + type.name() + "/v" + (versions.size() + 1) + ".avsc");
        Files.createDirectories(file.getParent());
        Files.writeString(file, type.currentSchema().toString(true) + "\n");
        out.println(type.name() + ": published " + file);
      } else if (problems.isEmpty()) {
        out.println(type.name() + ": unchanged since v" + versions.size());
      } else {
        problems.forEach(out::println);
        compatible &= onlyUnpublished;
      }
    }
    return compatible;
  }
}
