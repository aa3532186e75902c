package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DocumentQueueTest {
  @Test
  void keepsTheNewestRowsOldestFirstAndRestoresExactly() {
    DocumentQueue q = new DocumentQueue(5, 2);
    q.add(new int[] {10, 11, 12}, new float[] {1, 0, 2, 0, 3, 0});
    assertArrayEquals(new int[] {10, 11, 12}, q.rows());
    q.add(new int[] {13, 14, 15}, new float[] {4, 0, 5, 0, 6, 0});
    // capacity 5: the oldest (10) went
    assertArrayEquals(new int[] {11, 12, 13, 14, 15}, q.rows());
    assertArrayEquals(new float[] {2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, q.embeddings().data());
    // a step with more documents than the capacity keeps its last five
    q.add(new int[] {20, 21, 22, 23, 24, 25, 26}, new float[] {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7});
    assertArrayEquals(new int[] {22, 23, 24, 25, 26}, q.rows());
    assertEquals(3f, q.embeddings().get(0, 0));

    DocumentQueue r = new DocumentQueue(5, 2);
    r.restore(q.rows(), q.embeddings().data());
    assertArrayEquals(q.rows(), r.rows());
    assertArrayEquals(q.embeddings().data(), r.embeddings().data());
    q.add(new int[] {30}, new float[] {9, 9});
    r.add(new int[] {30}, new float[] {9, 9});
    assertArrayEquals(q.rows(), r.rows());
  }
}
