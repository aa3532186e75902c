package dev.negmine.index.dynamic;

/**
 * The pre-order layout of an {@link SgTree}, rebuilt lazily after structural changes: the subtree
 * of node {@code v} is {@code order[start[v] .. start[v] + subSize[v])}, {@code v} first. Sampling
 * uses it to draw a uniform member of a subtree in O(1).
 *
 * <p>Not thread-safe; confined to its tree. O(size) time to rebuild, O(capacity) memory.
 */
final class PreOrder {
  private long version = -1;
  private int[] order = new int[0];
  private int[] start = new int[0];
  private int[] subSize = new int[0];

  /** Recomputes the layout unless it already matches {@code nodes.modCount}. */
  void ensure(SgNodes nodes) {
    if (version == nodes.modCount) {
      return;
    }
    int size = nodes.size;
    if (order.length < size) {
      order = new int[Math.max(size, 16)];
    }
    if (start.length < nodes.capacity()) {
      start = new int[nodes.capacity()];
      subSize = new int[nodes.capacity()];
    }
    int[][] children = nodes.children;
    int[] childCount = nodes.childCount;
    if (nodes.root != SgNodes.NONE) {
      int[] stack = new int[size];
      int sp = 0;
      int pos = 0;
      stack[sp++] = nodes.root;
      while (sp > 0) {
        int v = stack[--sp];
        start[v] = pos;
        order[pos++] = v;
        for (int j = childCount[v] - 1; j >= 0; j--) {
          stack[sp++] = children[v][j];
        }
      }
      for (int i = pos - 1; i >= 0; i--) {
        int v = order[i];
        int s = 1;
        for (int j = 0; j < childCount[v]; j++) {
          s += subSize[children[v][j]];
        }
        subSize[v] = s;
      }
    }
    version = nodes.modCount;
  }

  /** The {@code i}-th node in pre-order (after {@link #ensure}). */
  int at(int i) {
    return order[i];
  }

  /** Number of nodes in {@code id}'s subtree, itself included (after {@link #ensure}). */
  int subSize(int id) {
    return subSize[id];
  }

  /** The {@code i}-th id of {@code id}'s subtree in pre-order (after {@link #ensure}). */
  int member(int id, int i) {
    return order[start[id] + i];
  }

  /** A copy of {@code id}'s subtree in pre-order, {@code id} first (after {@link #ensure}). */
  int[] subtree(int id) {
    return java.util.Arrays.copyOfRange(order, start[id], start[id] + subSize[id]);
  }
}
