package dev.flowtel.wire;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Adds Flowtel's generated record classes to the classes Avro 1.12 may instantiate. Without it Avro
 * refuses them ("Forbidden ... not trusted") unless every JVM, Flink task managers included, sets
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES}; doing it here means no user has to.
 */
public final class AvroClassTrust {

  private static final String GENERATED_PACKAGE = "dev.flowtel.schema.";
  private static volatile boolean installed;

  private AvroClassTrust() {}

  /** Idempotent; the codec calls it, and so should code that copies generated records before any codec exists. */
  public static void install() {
    if (installed) {
      return;
    }
    synchronized (AvroClassTrust.class) {
      if (!installed) {
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
            previous, type -> type.getName().startsWith(GENERATED_PACKAGE)));
        installed = true;
      }
    }
  }
}
