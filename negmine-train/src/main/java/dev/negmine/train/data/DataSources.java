package dev.negmine.train.data;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.io.AtomicFiles;
import dev.negmine.core.io.Idx;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Loads labelled items from the forms the CLI accepts: (a) a directory with one
 * {@code *images-idx3-ubyte[.gz]} and one {@code *labels-idx1-ubyte[.gz]}; (b) an images IDX file
 * whose labels file sits beside it ({@code images} to {@code labels}, {@code idx3} to {@code idx1}
 * in the name); (c) a features {@code .npy} (N x D) with a labels {@code .npy}. And the bundled
 * Fashion-MNIST test split. Errors are {@link IllegalArgumentException}s with one clear sentence.
 */
public final class DataSources {
  /** Name of the bundled data set in messages and provenance. */
  public static final String BUNDLED = "fashion-mnist-t10k (bundled)";
  private static final String RESOURCE_DIR = "/dev/negmine/train/data/fashion-mnist/";
  private static final List<String> RESOURCES =
      List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "LICENSE");

  private DataSources() {}

  /**
   * Loads {@code path} in one of the three forms.
   *
   * @param labels labels {@code .npy} for form (c); must be null for (a) and (b)
   */
  public static LabeledData load(Path path, Path labels) throws IOException {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("data not found: " + path);
    }
    if (Files.isDirectory(path)) {
      if (labels != null) {
        throw new IllegalArgumentException("--labels is only for .npy features, not the directory " + path);
      }
      return loadIdx(single(path, "images-idx3-ubyte"), single(path, "labels-idx1-ubyte"));
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      if (labels == null) {
        throw new IllegalArgumentException("features " + path + " need labels: pass --labels LABELS.npy");
      }
      return loadNpy(path, labels);
    }
    if (name.contains("idx3")) {
      if (labels != null) {
        return loadIdx(path, labels);
      }
      String sibling = path.getFileName().toString().replace("images", "labels").replace("idx3", "idx1");
      Path l = path.resolveSibling(sibling);
      if (sibling.equals(path.getFileName().toString()) || !Files.exists(l)) {
        throw new IllegalArgumentException("no labels beside " + path + " (looked for " + l.getFileName() + ")");
      }
      return loadIdx(path, l);
    }
    throw new IllegalArgumentException("cannot tell the format of " + path
        + ": expected a directory, an *images-idx3-ubyte[.gz] file or a .npy with --labels");
  }

  /** The bundled Fashion-MNIST test split (10,000 28x28 images, 10 classes). */
  public static LabeledData bundled() throws IOException {
    Path dir = extractBundled();
    LabeledData d = loadIdx(dir.resolve(RESOURCES.get(0)), dir.resolve(RESOURCES.get(1)));
    return new LabeledData(d.features(), d.labels(), d.imageSide(), BUNDLED);
  }

  /** Copies the bundled files (once) to {@code $NEGMINE_HOME/data/fashion-mnist}, where the IDX reader can open them. */
  static Path extractBundled() throws IOException {
    String home = System.getenv("NEGMINE_HOME");
    Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".negmine");
    Path dir = base.resolve("data").resolve("fashion-mnist");
    Files.createDirectories(dir);
    for (String r : RESOURCES) {
      try (InputStream in = DataSources.class.getResourceAsStream(RESOURCE_DIR + r)) {
        if (in == null) {
          throw new IllegalStateException("bundled resource " + r + " is missing from the negmine-train jar");
        }
        byte[] bytes = in.readAllBytes();
        Path target = dir.resolve(r);
        if (!Files.exists(target) || Files.size(target) != bytes.length) {
          AtomicFiles.writeBytes(target, bytes);
        }
      }
    }
    return dir;
  }

  static LabeledData loadIdx(Path images, Path labels) throws IOException {
    FloatMatrix x = readOrExplain(() -> Idx.readImages(images), images);
    long[] y = readOrExplain(() -> Idx.readLabels(labels), labels);
    int side = (int) Math.round(Math.sqrt(x.cols()));
    if (x.rows() == 0) {
      throw new IllegalArgumentException("no items in " + images);
    }
    if (y.length != x.rows()) {
      throw new IllegalArgumentException(images.getFileName() + " has " + x.rows() + " images but "
          + labels.getFileName() + " has " + y.length + " labels");
    }
    return new LabeledData(x, y, side * side == x.cols() ? side : 0, images.toString());
  }

  static LabeledData loadNpy(Path features, Path labels) throws IOException {
    if (!Files.exists(labels)) {
      throw new IllegalArgumentException("labels not found: " + labels);
    }
    FloatMatrix x = readOrExplain(() -> Npy.readFloatMatrix(features), features);
    long[] y = readOrExplain(() -> Npy.readLongs(labels), labels);
    if (x.rows() == 0) {
      throw new IllegalArgumentException("no items in " + features);
    }
    if (y.length != x.rows()) {
      throw new IllegalArgumentException(features.getFileName() + " has " + x.rows() + " rows but "
          + labels.getFileName() + " has " + y.length + " labels");
    }
    return new LabeledData(x, y, 0, features.toString());
  }

  private interface Reader<T> {
    T read() throws IOException;
  }

  private static <T> T readOrExplain(Reader<T> r, Path file) throws IOException {
    try {
      return r.read();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("file not found: " + file, e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Path single(Path dir, String marker) throws IOException {
    List<Path> found;
    try (Stream<Path> s = Files.list(dir)) {
      found = s.filter(p -> {
        String n = p.getFileName().toString();
        return n.contains(marker) && (n.endsWith(marker) || n.endsWith(marker + ".gz"));
      }).sorted().toList();
    }
    if (found.size() != 1) {
      throw new IllegalArgumentException(dir + " must hold exactly one *" + marker + "[.gz] file, found " + found.size());
    }
    return found.get(0);
  }

  /**
   * Splits {@code d} into (train, validation) with a seeded, per-class stratified choice of
   * {@code fraction} of each class for validation.
   */
  public static LabeledData[] split(LabeledData d, double fraction, long seed) {
    int[][] rows = splitRows(d, fraction, seed);
    return new LabeledData[] {d.subset(rows[0], "train split"), d.subset(rows[1], "validation split")};
  }

  /** The rows of {@link #split}: {train rows, validation rows}, each ascending. */
  public static int[][] splitRows(LabeledData d, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
    java.util.TreeMap<Long, java.util.List<Integer>> byClass = new java.util.TreeMap<>();
    for (int i = 0; i < d.size(); i++) {
      byClass.computeIfAbsent(d.labels()[i], k -> new java.util.ArrayList<>()).add(i);
    }
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed ^ 0x5EED5L);
    java.util.List<Integer> val = new java.util.ArrayList<>();
    java.util.List<Integer> tr = new java.util.ArrayList<>();
    for (java.util.List<Integer> items : byClass.values()) {
      int[] a = items.stream().mapToInt(Integer::intValue).toArray();
      for (int i = a.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      int k = (int) Math.round(a.length * fraction);
      for (int i = 0; i < a.length; i++) {
        (i < k ? val : tr).add(a[i]);
      }
    }
    if (val.size() < 2 || tr.size() < 2) {
      throw new IllegalArgumentException("too few items (" + d.size() + ") to hold out a validation split");
    }
    int[] t = tr.stream().mapToInt(Integer::intValue).sorted().toArray();
    int[] v = val.stream().mapToInt(Integer::intValue).sorted().toArray();
    return new int[][] {t, v};
  }
}
