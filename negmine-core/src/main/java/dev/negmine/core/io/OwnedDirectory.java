package dev.negmine.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The marker that says a directory was written by negmine, and of which kind ({@code pool}, {@code
 * parts}, {@code run}): a file {@value #MARKER} holding the kind's name. negmine replaces or deletes
 * only directories that carry its marker (or that a kind's legacy test recognises as written by an
 * earlier version, which had no marker), so a foreign directory given as {@code --out} is refused
 * instead of destroyed. Stateless and thread-safe.
 */
public final class OwnedDirectory {
  /** The marker's file name; hidden, so listings of a pool or run stay as they were. */
  public static final String MARKER = ".negmine";

  private OwnedDirectory() {}

  /** Writes the marker of {@code kind} into {@code dir} (which must exist), atomically. */
  public static void mark(Path dir, String kind) throws IOException {
    AtomicFiles.writeString(dir.resolve(MARKER), kind + "\n");
  }

  /** The kind recorded in {@code dir}'s marker, or null when it has none. */
  public static String kindOf(Path dir) throws IOException {
    try {
      return Files.readString(dir.resolve(MARKER), StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      return null;
    } catch (java.nio.charset.CharacterCodingException e) {
      return "?";
    }
  }

  /** True when {@code dir} exists and holds nothing. */
  public static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /**
   * Checks that negmine may replace {@code dir} with a new directory of {@code kind}: it is absent,
   * empty, marked with that kind, or unmarked but recognised by {@code legacy}.
   *
   * @param option the option that named it, for the message (e.g. {@code --out})
   * @throws OutputRefusedException naming the option, the path and why
   */
  public static void requireReplaceable(String option, Path dir, String kind, Predicate<Path> legacy) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isSymbolicLink(dir)) {
      throw new OutputRefusedException(option + " " + dir + ": a symbolic link; give the directory itself");
    }
    if (!Files.isDirectory(dir)) {
      throw new OutputRefusedException(option + " " + dir + ": exists and is not a directory (a " + kind + " is a directory)");
    }
    if (isEmpty(dir)) {
      return;
    }
    String found = kindOf(dir);
    if (kind.equals(found)) {
      return;
    }
    if (found != null) {
      throw new OutputRefusedException(option + " " + dir + ": holds a negmine " + found + ", not a " + kind
          + "; refusing to replace it");
    }
    if (legacy != null && legacy.test(dir)) {
      return;
    }
    throw new OutputRefusedException(option + " " + dir + ": a non-empty directory that is not a negmine " + kind
        + " (negmine did not write it: no " + MARKER + " marker); refusing to replace it: choose a new or empty directory");
  }
}
