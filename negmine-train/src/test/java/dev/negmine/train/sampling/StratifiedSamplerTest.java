package dev.negmine.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StratifiedSamplerTest {
  @Test
  void batchesTakeClassesFromOneCoarseGroupFirst() {
    long[] labels = new long[1000];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 10;
    }
    CoarseGroups g = CoarseGroups.fashionMnist();
    StratifiedSampler s = new StratifiedSampler(labels, g, 5, 4, 11);
    int[][] epoch = s.epoch(0, 50);
    assertEquals(20, epoch.length);
    assertArrayEquals(epoch[3], s.epoch(0, 50)[3], "seeded");
    int sameGroupPairs = 0;
    int pairs = 0;
    for (int[] b : epoch) {
      Map<Long, Integer> count = new HashMap<>();
      for (int r : b) {
        count.merge(labels[r], 1, Integer::sum);
      }
      assertEquals(5, count.size(), "5 classes per batch");
      count.values().forEach(c -> assertEquals(10, c));
      // the first class's group supplies min(4, group size) classes
      String first = g.group(labels[b[0]]);
      long inGroup = count.keySet().stream().filter(l -> g.group(l).equals(first)).count();
      long size = g.groupOf().values().stream().filter(first::equals).count();
      assertTrue(inGroup >= Math.min(4, size), "batch group " + first + " has " + inGroup + " classes");
      Long[] cls = count.keySet().toArray(Long[]::new);
      for (int i = 0; i < cls.length; i++) {
        for (int j = i + 1; j < cls.length; j++) {
          pairs++;
          sameGroupPairs += g.sameGroup(cls[i], cls[j]) ? 1 : 0;
        }
      }
    }
    // random 5 of 10 classes put about 8/45 of class pairs in one group; stratified far more
    assertTrue(sameGroupPairs > pairs * 0.3, sameGroupPairs + " of " + pairs);
    assertThrows(IllegalArgumentException.class, () -> s.batchesPerEpoch(52));
  }

  @Test
  void groupFilesAreReadAndBadLinesNamed(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("groups.txt");
    Files.writeString(f, "# coarse\n0 tops\n1=bottoms\n2,tops\n");
    CoarseGroups g = CoarseGroups.load(f.toString());
    assertTrue(g.sameGroup(0, 2));
    assertEquals("#7", g.group(7));
    Files.writeString(f, "0 tops\nx shoes\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoarseGroups.load(f.toString()));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertEquals(Set.of("tops", "bottoms-dress", "shoes", "bags"), new HashSet<>(CoarseGroups.load("fashion-mnist").groupOf().values()));
  }
}
