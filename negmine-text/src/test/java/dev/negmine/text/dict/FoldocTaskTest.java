package dev.negmine.text.dict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.text.retrieval.RetrievalData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FOLDOC task from Debian's dict-foldoc: BEIR layout, disjoint subject groups, licence kept. */
class FoldocTaskTest {
  private static final Path DICT = Path.of("/usr/share/dictd");

  @Test
  void cleaningMasksTheTermAndDropsMarkup() {
    assertEquals("A [term] translates source code. Not a TTSx or [term].",
        FoldocTask.clean("A   TTS translates {source} code.\n (1997-05-11) Not a TTSx or tts.", List.of("TTS")),
        "cross-reference braces and dates removed, the whole-word term masked in any case");
  }

  @Test
  void buildsADisjointBeirTask(@TempDir Path out) throws IOException {
    Assumptions.assumeTrue(Files.isRegularFile(DICT.resolve("foldoc.index")), "Debian package dict-foldoc is installed");
    String desc = FoldocTask.build(DICT, out, FoldocTask.SEED);
    RetrievalData d = RetrievalData.read(out);
    assertEquals(Set.of("train", "dev", "test"), d.splits(), desc);
    assertTrue(d.corpus().size() > 5000, desc);
    Map<String, String> groupOf = new java.util.HashMap<>();
    List<FoldocTask.Item> items = FoldocTask.items(Dictd.read(DICT, "foldoc"));
    for (FoldocTask.Item it : items) {
      groupOf.put(it.id(), it.group());
    }
    Map<String, Set<String>> groups = new java.util.HashMap<>();
    Set<String> seenQueries = new HashSet<>();
    for (String split : d.splits()) {
      Set<String> g = new HashSet<>();
      for (var q : d.qrels(split).entrySet()) {
        assertTrue(seenQueries.add(q.getKey()), "query " + q.getKey() + " in two splits");
        q.getValue().keySet().forEach(doc -> g.add(groupOf.get(doc)));
      }
      groups.put(split, g);
      assertTrue(d.qrels(split).size() > 300, split + ": " + d.qrels(split).size() + " queries");
    }
    for (String a : d.splits()) {
      for (String b : d.splits()) {
        if (!a.equals(b)) {
          Set<String> both = new HashSet<>(groups.get(a));
          both.retainAll(groups.get(b));
          assertTrue(both.isEmpty(), a + " and " + b + " share subject groups " + both);
        }
      }
    }
    String license = Files.readString(out.resolve("LICENSE"));
    assertTrue(license.contains("GNU Free Documentation License"), "licence notice kept");
    // the defined term does not appear in its own definition
    String q0 = d.queries().get("q0");
    String doc0 = d.corpus().get(0).text();
    assertFalse(doc0.toLowerCase().contains(" " + q0.toLowerCase() + " "), q0 + " in " + doc0);
    System.out.println(desc);
  }
}
