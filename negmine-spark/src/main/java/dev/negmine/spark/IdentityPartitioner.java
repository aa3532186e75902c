package dev.negmine.spark;

import org.apache.spark.Partitioner;

/** Integer key k to partition k. */
final class IdentityPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int n;

  IdentityPartitioner(int n) {
    this.n = n;
  }

  @Override
  public int numPartitions() {
    return n;
  }

  @Override
  public int getPartition(Object key) {
    return (Integer) key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentityPartitioner p && p.n == n;
  }

  @Override
  public int hashCode() {
    return n;
  }
}
