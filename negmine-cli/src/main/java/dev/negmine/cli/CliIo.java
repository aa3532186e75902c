package dev.negmine.cli;

import dev.negmine.core.io.Npy;
import dev.negmine.core.io.Validation;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Triplets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and checking the CLI's input files; every error names the file. */
final class CliIo {
  private CliIo() {}

  static FloatMatrix readEmbeddings(Path file) throws IOException {
    requireReadable(file);
    int[] shape = Npy.readHeader(file).shape();
    if (shape.length != 2) {
      throw new UserInputException(file + ": embeddings must be 2-D (items, dim), got shape "
          + java.util.Arrays.toString(shape));
    }
    return Npy.readFloatMatrix(file);
  }

  static long[] readLabels(Path file) throws IOException {
    requireReadable(file);
    int[] shape = Npy.readHeader(file).shape();
    if (shape.length != 1) {
      throw new UserInputException(file + ": labels must be 1-D, got shape " + java.util.Arrays.toString(shape));
    }
    return Npy.readLongs(file);
  }

  static void requireFinite(FloatMatrix m, Path file) throws IOException {
    Validation.requireFinite(m, file.toString());
  }

  static void requireNonZeroRows(FloatMatrix m, Path file, String why) {
    float[] norms = Similarities.norms(m);
    for (int i = 0; i < norms.length; i++) {
      if (!(norms[i] > 0)) {
        throw new UserInputException(file + ": row " + i + " is a zero vector; " + why);
      }
    }
  }

  /** Writes (T, 3) int64 rows atomically: an earlier file survives any failure. */
  static void writeTriplets(Path out, Triplets t) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UserInputException("--out " + out + ": directory " + parent + " does not exist");
    }
    Npy.writeLongs(out, t.toRowMajor(), t.size(), 3);
  }

  private static void requireReadable(Path file) {
    if (!Files.exists(file)) {
      throw new UserInputException(file + ": no such file");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new UserInputException(file + ": not a readable file");
    }
  }
}
