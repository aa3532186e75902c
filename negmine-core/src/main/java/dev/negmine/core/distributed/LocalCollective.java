package dev.negmine.core.distributed;

/** World size 1: gathers and reductions return their input. Not thread-safe. */
final class LocalCollective implements Collective {
  private long calls;

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int worldSize() {
    return 1;
  }

  @Override
  public float[] allGather(float[] local) {
    calls++;
    return local.clone();
  }

  @Override
  public long[] allGather(long[] local) {
    calls++;
    return local.clone();
  }

  @Override
  public float[] allGather(float[] local, int[] counts) {
    checkCounts(local.length, counts);
    return allGather(local);
  }

  @Override
  public long[] allGather(long[] local, int[] counts) {
    checkCounts(local.length, counts);
    return allGather(local);
  }

  private static void checkCounts(int length, int[] counts) {
    if (counts.length != 1 || counts[0] != length) {
      throw new CollectiveException("counts " + java.util.Arrays.toString(counts) + " do not match one rank of " + length);
    }
  }

  @Override
  public void allReduceSum(float[] buffer) {
    calls++;
  }

  @Override
  public void allReduceSum(double[] buffer) {
    calls++;
  }

  @Override
  public void broadcast(float[] buffer, int root) {
    checkRoot(root);
    calls++;
  }

  @Override
  public void broadcast(byte[] buffer, int root) {
    checkRoot(root);
    calls++;
  }

  private static void checkRoot(int root) {
    if (root != 0) {
      throw new CollectiveException("invalid root " + root + " for a world of 1");
    }
  }

  @Override
  public void barrier() {
    calls++;
  }

  @Override
  public CommStats stats() {
    return new CommStats(calls, 0, 0);
  }

  @Override
  public void abort(String message, int code) {
    System.err.println(message);
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  @Override
  public void close() {}
}
