package dev.negmine.train.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The files of a run directory, and atomic writes into it. */
public final class RunFiles {
  public static final String CONFIG = "config.json";
  public static final String CHECKPOINT = "checkpoint.bin";
  public static final String METRICS = "metrics.jsonl";
  public static final String SUMMARY = "summary.json";
  public static final String MODEL_DIR = "model";
  public static final String MODEL_JSON = "model.json";
  public static final String WEIGHTS = "weights.params";
  /** Candidate pools mined during training, kept so a resumed run continues with the same pool. */
  public static final String POOLS = "pools";
  /** The configuration of a retrieval fine-tuning run (negmine-text's; its presence marks such a run). */
  public static final String RETRIEVAL_CONFIG = "retrieval.json";

  private RunFiles() {}

  /** Something that writes a whole file. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} through a temporary file in the same directory and renames it over the
   * target, so a reader (or a resumed run after SIGKILL) sees the old file or the new one, never a
   * torn one.
   */
  public static void writeAtomically(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
        writer.write(out);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static void writeString(Path target, String s) throws IOException {
    writeAtomically(target, out -> out.write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
