package dev.negmine.text.wordnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class WordNetExtractTest {
  private static List<String> resource(String name) throws Exception {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(WordNetTask.class.getResourceAsStream(name)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
      }
    }
    return out;
  }

  /** The bundled resources are exactly what the extractor derives from Debian's wordnet-base. */
  @Test
  void bundledResourcesAreReproducibleFromTheDictionary() throws Exception {
    Path dict = Path.of("/usr/share/wordnet");
    assumeTrue(Files.isRegularFile(dict.resolve("data.noun")), "wordnet-base is not installed");
    List<List<String>> both = WordNetExtract.extractBoth(dict, 4000);
    assertEquals(resource(WordNetTask.RESOURCE), both.get(0));
    assertEquals(resource(WordNetTask.EXTRA), both.get(1));
  }
}
