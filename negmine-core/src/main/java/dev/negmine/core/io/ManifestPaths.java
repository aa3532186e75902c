package dev.negmine.core.io;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves a file name that a manifest lists (a Parquet part, a texts file) against the manifest's
 * directory, refusing anything that could point outside it: absolute paths, {@code ..} segments,
 * empty names, separators, and names that are not valid paths. A manifest copied from elsewhere or
 * edited by hand then cannot make negmine read (or later replace) files it does not own.
 */
public final class ManifestPaths {
  private ManifestPaths() {}

  /**
   * @param manifest the manifest file, named in the message
   * @param field the manifest field the name came from, e.g. {@code parts.files[3].name}
   * @throws NegmineFormatException naming the manifest, the field and the value
   */
  public static Path resolve(Path manifest, String field, Object name) throws NegmineFormatException {
    Path dir = manifest.toAbsolutePath().normalize().getParent();
    if (!(name instanceof String s) || s.isEmpty()) {
      throw new NegmineFormatException(manifest, field + ": expected a file name, got " + name);
    }
    if (s.contains("/") || s.contains("\\") || s.equals(".") || s.equals("..") || s.indexOf('\0') >= 0) {
      throw new NegmineFormatException(manifest, field + ": '" + s
          + "' is not a plain file name inside the directory (no paths, no ..)");
    }
    Path p;
    try {
      p = dir.resolve(s).normalize();
    } catch (InvalidPathException e) {
      throw new NegmineFormatException(manifest, field + ": '" + s + "' is not a valid file name");
    }
    if (!dir.equals(p.getParent())) {
      throw new NegmineFormatException(manifest, field + ": '" + s + "' lies outside " + dir);
    }
    return p;
  }
}
