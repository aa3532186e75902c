package dev.negmine.text.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEIR, sentence-transformers JSONL and TSV pairs, and their one-line errors. */
class ReadersTest {
  static Path beir(Path dir) throws IOException {
    Files.writeString(dir.resolve("corpus.jsonl"), """
        {"_id": "d1", "title": "Cat", "text": "A small feline."}
        {"_id": 2, "title": "", "text": "Dogs bark."}
        {"_id": "d3", "text": "Engines burn fuel."}
        """);
    Files.writeString(dir.resolve("queries.jsonl"), """
        {"_id": "q1", "text": "kitten"}
        {"_id": "q2", "text": "barking"}
        """);
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\t2\t2\nq2\td3\t0\n");
    Files.writeString(dir.resolve("qrels/train.tsv"), "q1\td1\t1\n");
    return dir;
  }

  @Test
  void readsBeir(@TempDir Path dir) throws IOException {
    RetrievalData d = RetrievalData.read(beir(dir));
    assertEquals(3, d.corpus().size());
    assertEquals("Cat A small feline.", d.corpus().get(0).embeddingText());
    assertEquals("Dogs bark.", d.corpus().get(1).embeddingText(), "no leading space without a title");
    assertEquals(Set.of("test", "train"), d.splits());
    assertEquals(Map.of("2", 2, "d3", 0), d.qrels("test").get("q2"));
    assertEquals(Set.of("2"), d.positives("q2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.qrels("dev"));
    assertTrue(e.getMessage().contains("dev"), e.getMessage());
  }

  @Test
  void beirErrorsNameFileLineAndField(@TempDir Path dir) throws IOException {
    beir(dir);
    Files.writeString(dir.resolve("qrels/test.tsv"), "q1\td1\t1\nq1\tnope\t1\n");
    IOException e = assertThrows(IOException.class, () -> RetrievalData.read(dir));
    assertTrue(e.getMessage().matches(".*test\\.tsv:2: corpus-id 'nope'.*"), e.getMessage());
    Files.writeString(dir.resolve("qrels/test.tsv"), "q1\td1\t1\n");
    Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"a\"}\n{\"_id\": \"q2\"}\n");
    e = assertThrows(IOException.class, () -> RetrievalData.read(dir));
    assertTrue(e.getMessage().matches(".*queries\\.jsonl:2: field 'text' is missing"), e.getMessage());
  }

  @Test
  void sentenceTransformersJsonlSharesIdsAndKeepsPositivesOutOfNegatives(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("pairs.jsonl");
    Files.writeString(f, """
        {"anchor": "cat", "positive": "A feline.", "negative": "A dog."}
        {"anchor": "cat", "positive": "A kitten grown up.", "negative_1": "A feline.", "negative_2": "A car."}
        {"anchor": "dog", "positive": "A dog."}
        """);
    RetrievalData d = RetrievalData.read(f);
    assertEquals(2, d.queries().size());
    assertEquals(4, d.corpus().size(), "identical texts share one id");
    assertEquals(Set.of("d0", "d2"), d.qrels("train").get("q0").keySet(), "several positives per query");
    assertEquals(List.of("d1", "d3"), d.negatives().get("q0"), "its own positive 'A feline.' is never its negative");
    Files.writeString(f, "{\"anchor\": \"cat\"}\n");
    IOException e = assertThrows(IOException.class, () -> RetrievalData.read(f));
    assertTrue(e.getMessage().endsWith("pairs.jsonl:1: field 'positive' is missing"), e.getMessage());
  }

  @Test
  void tsvPairs(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("pairs.tsv");
    Files.writeString(f, "q a\tdoc a\tdoc b\nq b\tdoc b\n");
    RetrievalData d = RetrievalData.read(f);
    assertEquals(2, d.corpus().size());
    assertEquals(List.of("d1"), d.negatives().get("q0"));
    Files.writeString(f, "q a\t\n");
    IOException e = assertThrows(IOException.class, () -> RetrievalData.read(f));
    assertTrue(e.getMessage().endsWith("pairs.tsv:1: field 2 (positive) is empty"), e.getMessage());
  }
}
