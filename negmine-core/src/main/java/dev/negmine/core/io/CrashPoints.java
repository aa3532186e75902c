package dev.negmine.core.io;

/**
 * Named points between the steps of multi-step writes, where crash-consistency tests stop the JVM
 * dead ({@link Runtime#halt}, as a SIGKILL would: no finally blocks, no shutdown hooks). A test
 * starts a child JVM with {@code -Dnegmine.crashAt=NAME}; in normal runs the property is unset and
 * a point costs one property read.
 */
public final class CrashPoints {
  /** The exit status of a JVM halted at a crash point. */
  public static final int HALT_STATUS = 137;

  private CrashPoints() {}

  /** Halts the JVM if {@code negmine.crashAt} names this point. */
  public static void reach(String name) {
    if (name.equals(System.getProperty("negmine.crashAt"))) {
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
