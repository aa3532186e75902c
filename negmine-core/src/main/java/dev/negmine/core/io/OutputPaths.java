package dev.negmine.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The output rule every command applies before any work: an output may not be (or resolve, through
 * links or hard links, to) one of the command's inputs, lie inside an input directory, or contain an
 * input; a file output must be a regular file or absent, in an existing directory; a directory output
 * (whose missing parents are created) must be absent, empty or one negmine owns ({@link
 * OwnedDirectory}). Violations throw {@link OutputRefusedException} with one line naming the option,
 * the path and the reason, so nothing is read, computed or written first. Stateless and thread-safe.
 */
public final class OutputPaths {
  private OutputPaths() {}

  /**
   * Checks a file output.
   *
   * @param option the option that named it, e.g. {@code --out}
   * @param inputs every file or directory the command reads (nulls are skipped)
   */
  public static void checkFile(String option, Path out, Collection<Path> inputs) throws IOException {
    Objects.requireNonNull(out, option);
    if (Files.exists(out)) {
      if (Files.isDirectory(out)) {
        throw new OutputRefusedException(option + " " + out + ": is a directory; give a file name");
      }
      if (!Files.isRegularFile(out)) {
        throw new OutputRefusedException(option + " " + out + ": not a regular file (a device, pipe or socket); "
            + "negmine writes only regular files");
      }
    }
    Path parent = out.toAbsolutePath().normalize().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new OutputRefusedException(option + " " + out + ": directory " + parent + " does not exist");
    }
    checkAgainstInputs(option, out, inputs, false);
  }

  /**
   * Checks a directory output that negmine will replace as a whole (a pool, parts, a run).
   *
   * @param kind the marker kind the directory must carry if it is not empty
   * @param legacy recognises an unmarked directory written by an earlier version (may be null)
   */
  public static void checkDirectory(String option, Path out, Collection<Path> inputs, String kind, Predicate<Path> legacy)
      throws IOException {
    Objects.requireNonNull(out, option);
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(out)) {
      throw new OutputRefusedException(option + " " + out + ": exists and is not a directory (a " + kind + " is a directory)");
    }
    checkAgainstInputs(option, out, inputs, true); // missing parents are created when it is written
    OwnedDirectory.requireReplaceable(option, out, kind, legacy);
  }

  /**
   * Checks that outputs of one command are pairwise distinct (e.g. {@code --out} and {@code
   * --labels-out}); keys are option names.
   */
  public static void checkDistinct(Map<String, Path> outputs) throws IOException {
    Map<Path, String> seen = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : outputs.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      Path real = resolve(e.getValue());
      String other = seen.putIfAbsent(real, e.getKey());
      if (other != null) {
        throw new OutputRefusedException(e.getKey() + " " + e.getValue() + ": the same file as " + other
            + "; give each output its own name");
      }
    }
  }

  private static void checkAgainstInputs(String option, Path out, Collection<Path> inputs, boolean outIsDir)
      throws IOException {
    Path o = resolve(out);
    for (Path in : inputs) {
      if (in == null || !Files.exists(in)) {
        continue;
      }
      Path i = resolve(in);
      if (i.equals(o) || (Files.exists(out) && Files.isSameFile(in, out))) {
        throw new OutputRefusedException(option + " " + out + ": is the input " + in + "; writing it would destroy the input");
      }
      // a file inside an input directory could overwrite one of its files; a directory output
      // there is protected by the ownership rule instead (it may replace only its own kind)
      if (!outIsDir && o.startsWith(i) && Files.isDirectory(i)) {
        throw new OutputRefusedException(option + " " + out + ": lies inside the input directory " + in
            + "; writing it would change the input");
      }
      if (outIsDir && i.startsWith(o)) {
        throw new OutputRefusedException(option + " " + out + ": contains the input " + in
            + "; replacing it would destroy the input");
      }
    }
  }

  /** The absolute path with every existing link resolved (missing tail names kept as given). */
  static Path resolve(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      return abs.toRealPath();
    }
    Path parent = abs.getParent();
    return parent == null ? abs : resolve(parent).resolve(abs.getFileName());
  }
}
