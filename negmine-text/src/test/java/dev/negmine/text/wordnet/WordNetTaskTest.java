package dev.negmine.text.wordnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class WordNetTaskTest {
  private static List<String[]> lines(String resource) throws Exception {
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(WordNetTask.class.getResourceAsStream(resource)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line.split("\t", -1));
      }
    }
    return out;
  }

  @Test
  void extraTrainingSynsetsLeaveTheUnseenTestClassesAsTheyAre() throws Exception {
    WordNetTask.Split base = WordNetTask.load(false, 0);
    WordNetTask.Split more = WordNetTask.load(false, 500);
    assertEquals(base.test().texts(), more.test().texts(), "the test classes do not depend on the extra synsets");
    assertEquals(java.util.Arrays.toString(base.test().labels()), java.util.Arrays.toString(more.test().labels()));
    assertEquals(2643, base.test().size());
    assertEquals(1034, base.test().classes());
    assertEquals(base.train().classes() + 500, more.train().classes());
    Set<String> test = new HashSet<>(base.test().texts());
    for (String t : more.train().texts()) {
      assertFalse(test.contains(t), "a training text is a test text: " + t);
    }
    // every training class has its hypernym, and no test sibling group lends a training class
    Set<Long> trainLabels = new HashSet<>();
    for (long l : more.train().labels()) {
      trainLabels.add(l);
    }
    assertEquals(trainLabels, more.trainHypernyms().keySet());
    Set<String> testHypernyms = new HashSet<>();
    Set<String> bundledHypernyms = new HashSet<>();
    for (String[] f : lines(WordNetTask.RESOURCE)) {
      bundledHypernyms.add(f[1]);
      if (WordNetTask.isTest(f[1])) {
        testHypernyms.add(f[1]);
      }
    }
    for (String h : more.trainHypernyms().values()) {
      assertFalse(testHypernyms.contains(h), "training class under test hypernym " + h);
    }
    List<String[]> extra = lines(WordNetTask.EXTRA);
    assertEquals(WordNetTask.EXTRA_SYNSETS, extra.size());
    Set<String> offsets = new HashSet<>();
    for (String[] f : lines(WordNetTask.RESOURCE)) {
      offsets.add(f[0]);
    }
    for (String[] f : extra) {
      assertTrue(offsets.add(f[0]), "extra synset " + f[0] + " is bundled too");
      assertFalse(bundledHypernyms.contains(f[1]), "extra synset " + f[0] + " is a sibling of a bundled one");
      assertTrue(f[2].split("\\|").length >= 2, "a class needs two lemmas: " + f[2]);
    }
    assertThrows(IllegalArgumentException.class, () -> WordNetTask.load(false, WordNetTask.EXTRA_SYNSETS + 1));
  }

  @Test
  void glossesAddOneItemPerSynsetWithADefinition() throws Exception {
    WordNetTask.Split lemmas = WordNetTask.load(false, 100);
    WordNetTask.Split glosses = WordNetTask.load(true, 100);
    assertEquals(lemmas.train().classes(), glosses.train().classes());
    assertTrue(glosses.train().size() > lemmas.train().size());
    assertTrue(glosses.train().size() <= lemmas.train().size() + lemmas.train().classes());
  }
}
