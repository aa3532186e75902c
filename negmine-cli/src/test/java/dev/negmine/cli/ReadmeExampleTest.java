package dev.negmine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library example, taken from README.md itself (the block between the
 * {@code library-example} markers), compiled against the test class path and run: paths it names
 * are resolved in a scratch directory holding the small fixture's {@code emb.npy} / {@code labels.npy}.
 */
class ReadmeExampleTest {
  private static final String IMPORTS = """
      import dev.negmine.core.io.Npy;
      import dev.negmine.core.linalg.FloatMatrix;
      import dev.negmine.core.metrics.RetrievalMetrics;
      import dev.negmine.core.mining.*;
      import dev.negmine.train.run.RunSummary;
      import dev.negmine.train.spec.*;
      import java.nio.file.Path;
      """;

  @Test
  void theReadmesLibraryExampleCompilesAndRuns(@TempDir Path tmp) throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    int from = text.indexOf("<!-- library-example -->");
    int to = text.indexOf("<!-- /library-example -->");
    assertTrue(from >= 0 && to > from, "README.md has the library-example markers");
    String block = text.substring(from, to);
    String code = block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```"));
    Files.copy(CliTest.SMALL.resolve("emb.npy"), tmp.resolve("emb.npy"));
    Files.copy(CliTest.SMALL.resolve("labels.npy"), tmp.resolve("labels.npy"));
    String body = code.replace("Path.of(\"", "BASE.resolve(\"");
    String source = IMPORTS + "public class ReadmeExample {\n  public static Path BASE;\n"
        + "  public static void run() throws Exception {\n" + body + "\n  }\n}\n";
    Path src = tmp.resolve("src/ReadmeExample.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = javac.run(null, null, diag, "-proc:none", "-cp", System.getProperty("java.class.path"), "-d",
        classes.toString(), src.toString());
    assertEquals(0, rc, "the README example does not compile:\n" + diag.toString(StandardCharsets.UTF_8) + "\n" + source);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> c = loader.loadClass("ReadmeExample");
      c.getField("BASE").set(null, tmp);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      c.getMethod("run").invoke(null);
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    List<String> lines = printed.lines().toList();
    assertEquals(2, lines.size(), printed);
    assertTrue(lines.get(0).contains("map_at_r="), printed);
    assertTrue(lines.get(1).startsWith("3710 triplets"), "the fixture's known semihard-band count: " + printed);
    assertTrue(Files.exists(tmp.resolve("runs/from-java/summary.json")), "the run directory was written");
  }
}
