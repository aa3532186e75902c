package dev.negmine.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiblingBatchesTest {
  /** 60 classes of 3 items in 15 groups of 4 sibling classes (group = label / 4). */
  private static long[] labels() {
    long[] l = new long[180];
    for (int i = 0; i < l.length; i++) {
      l[i] = i / 3;
    }
    return l;
  }

  private static CoarseGroups groups() {
    Map<Long, String> m = new HashMap<>();
    for (long c = 0; c < 60; c++) {
      m.put(c, "g" + c / 4);
    }
    return new CoarseGroups(m);
  }

  @Test
  void batchesHoldWholeSiblingGroupsWithMItemsPerClass() {
    long[] labels = labels();
    BatchSampler s = BatchSampler.siblings(labels, 2, groups(), 7);
    // 16 items = 8 classes = 2 whole groups of 4 when the class deal starts on a group boundary
    int[][] epoch = s.epoch(0, 16);
    assertEquals(180 / 16, epoch.length);
    assertArrayEquals(epoch[4], BatchSampler.siblings(labels, 2, groups(), 7).epoch(0, 16)[4], "seeded");
    for (int[] b : epoch) {
      Map<Long, Integer> perClass = new HashMap<>();
      List<Long> classOrder = new ArrayList<>();
      for (int r : b) {
        if (perClass.merge(labels[r], 1, Integer::sum) == 1) {
          classOrder.add(labels[r]);
        }
      }
      assertEquals(8, perClass.size());
      perClass.values().forEach(c -> assertEquals(2, c));
      Set<Long> groupsSeen = new HashSet<>();
      for (long c : classOrder) {
        groupsSeen.add(c / 4);
      }
      // 15 groups x 4 classes = 60 classes: decks of 60 split into batches of 8 classes never
      // straddle a reshuffle mid-group, so every batch is exactly two whole groups
      assertEquals(2, groupsSeen.size(), "classes of a batch come in whole groups: " + classOrder);
      for (int i = 0; i < classOrder.size(); i += 4) {
        long g = classOrder.get(i) / 4;
        for (int j = i; j < i + 4; j++) {
          assertEquals(g, classOrder.get(j) / 4, "a group's classes are dealt together");
        }
      }
    }
  }

  @Test
  void plainMPerClassBatchesMixGroupsAndSiblingModeNeedsGroups() {
    long[] labels = labels();
    int[][] epoch = BatchSampler.mPerClass(labels, 2, 7).epoch(0, 16);
    int mixed = 0;
    for (int[] b : epoch) {
      Set<Long> g = new HashSet<>();
      for (int r : b) {
        g.add(labels[r] / 4);
      }
      mixed += g.size() > 2 ? 1 : 0;
    }
    assertTrue(mixed > epoch.length / 2, "independent classes spread over many groups: " + mixed);
    assertThrows(IllegalArgumentException.class, () -> BatchSampler.siblings(labels, 2, null, 7));
  }
}
