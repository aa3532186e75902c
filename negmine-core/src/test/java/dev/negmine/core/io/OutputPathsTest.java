package dev.negmine.core.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output rule: outputs never name an input, a special file or a directory negmine does not own. */
class OutputPathsTest {
  @TempDir
  Path dir;

  private static String refused(org.junit.jupiter.api.function.Executable e) {
    OutputRefusedException x = assertThrows(OutputRefusedException.class, e);
    assertTrue(!x.getMessage().contains("\n") && !x.getMessage().contains("Exception"), x.getMessage());
    return x.getMessage();
  }

  @Test
  void fileOutputThatIsAnInputIsRefusedDirectlyThroughLinksAndHardLinks() throws IOException {
    Path in = Files.writeString(dir.resolve("x.npy"), "data");
    String m = refused(() -> OutputPaths.checkFile("--out", in, List.of(in)));
    assertTrue(m.contains("--out") && m.contains("x.npy") && m.contains("input"), m);
    Path link = Files.createSymbolicLink(dir.resolve("link.npy"), in);
    refused(() -> OutputPaths.checkFile("--out", link, List.of(in)));
    Path hard = Files.createLink(dir.resolve("hard.npy"), in);
    refused(() -> OutputPaths.checkFile("--out", hard, List.of(in)));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    refused(() -> OutputPaths.checkFile("--out", sub.resolve("../x.npy"), List.of(in)));
    assertTrue(Files.readString(in).equals("data"));
  }

  @Test
  void fileOutputInsideAnInputDirectoryIsRefused() throws IOException {
    Path pool = Files.createDirectory(dir.resolve("pool"));
    Files.writeString(pool.resolve("pool.bin"), "x");
    String m = refused(() -> OutputPaths.checkFile("--out", pool.resolve("pool.bin"), List.of(pool)));
    assertTrue(m.contains("inside the input directory"), m);
  }

  @Test
  void specialFilesDirectoriesAndMissingParentsAreRefused() throws IOException {
    if (Files.exists(Path.of("/dev/null"))) {
      assertTrue(refused(() -> OutputPaths.checkFile("--out", Path.of("/dev/null"), List.of())).contains("not a regular file"));
    }
    assertTrue(refused(() -> OutputPaths.checkFile("--out", dir, List.of())).contains("is a directory"));
    assertTrue(refused(() -> OutputPaths.checkFile("--out", dir.resolve("no/such/x.npy"), List.of())).contains("does not exist"));
    assertDoesNotThrow(() -> OutputPaths.checkFile("--out", dir.resolve("new.npy"), List.of(dir.resolve("missing-input"))));
  }

  @Test
  void directoryOutputsMustBeOwnedAndMustNotContainInputs() throws IOException {
    Path foreign = Files.createDirectory(dir.resolve("foreign"));
    Files.writeString(foreign.resolve("manifest.json"), "{\"mine\": true}");
    String m = refused(() -> OutputPaths.checkDirectory("--out", foreign, List.of(), "pool", p -> false));
    assertTrue(m.contains("did not write"), m);
    Path input = Files.writeString(foreign.resolve("e.npy"), "x");
    OwnedDirectory.mark(foreign, "pool");
    assertTrue(refused(() -> OutputPaths.checkDirectory("--out", foreign, List.of(input), "pool", null)).contains("contains the input"));
    assertDoesNotThrow(() -> OutputPaths.checkDirectory("--out", foreign, List.of(), "pool", null));
    assertTrue(refused(() -> OutputPaths.checkDirectory("--out", foreign, List.of(), "run", null)).contains("holds a negmine pool"));
    Path legacy = Files.createDirectory(dir.resolve("legacy"));
    Files.writeString(legacy.resolve("manifest.json"), "{}");
    assertDoesNotThrow(() -> OutputPaths.checkDirectory("--out", legacy, List.of(), "pool", p -> true));
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertDoesNotThrow(() -> OutputPaths.checkDirectory("--out", empty, List.of(), "pool", null));
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertTrue(refused(() -> OutputPaths.checkDirectory("--out", file, List.of(), "pool", null)).contains("not a directory"));
  }

  @Test
  void twoOutputsOfOneCommandMustDiffer() {
    Map<String, Path> outs = new LinkedHashMap<>();
    outs.put("--out", dir.resolve("x.npy"));
    outs.put("--labels-out", dir.resolve("./x.npy"));
    assertTrue(refused(() -> OutputPaths.checkDistinct(outs)).contains("--labels-out"));
    outs.put("--labels-out", dir.resolve("y.npy"));
    assertDoesNotThrow(() -> OutputPaths.checkDistinct(outs));
  }

  @Test
  void manifestNamesStayInsideTheirDirectory() throws IOException {
    Path mf = dir.resolve("manifest.json");
    for (Object bad : new Object[] {"../x.parquet", "/etc/passwd", "a/b.parquet", "..", "", 7, null}) {
      NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> ManifestPaths.resolve(mf, "parts.files[0].name", bad));
      assertTrue(e.getMessage().contains("parts.files[0].name") && e.getMessage().startsWith(mf.toString()), e.getMessage());
    }
    assertTrue(ManifestPaths.resolve(mf, "f", "part-0.parquet").equals(dir.toAbsolutePath().normalize().resolve("part-0.parquet")));
  }
}
