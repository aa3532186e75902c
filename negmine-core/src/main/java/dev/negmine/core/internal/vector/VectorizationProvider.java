package dev.negmine.core.internal.vector;

import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the {@link VectorKernels} implementation once per JVM and says why.
 *
 * <p>Panama runs when the {@code jdk.incubator.vector} module is resolved (it needs {@code
 * --add-modules jdk.incubator.vector} on the class path), the JVM is not interpreter-only, and the
 * preferred float species has at least 4 lanes; otherwise the scalar kernels run and the reason is
 * logged at WARNING. The system property {@value #PROPERTY} ({@code scalar} or {@code panama}) is
 * read once, when the choice is first needed, and never written; asking for {@code panama} where it
 * cannot run falls back to scalar with a warning.
 *
 * <p>Public only so that other packages of this module can reach it: the package is not exported.
 */
public final class VectorizationProvider {
  /** System property that overrides the automatic choice. */
  public static final String PROPERTY = "negmine.vector";

  private static final Logger LOG = Logger.getLogger(VectorizationProvider.class.getName());
  private static final String MODULE = "jdk.incubator.vector";
  private static final String PANAMA_CLASS = "dev.negmine.core.internal.vector.PanamaKernels";

  private VectorizationProvider() {}

  /** The kernels this JVM uses, chosen on first call. */
  public static VectorKernels get() {
    return Holder.CHOSEN;
  }

  /** A scalar implementation, whatever the JVM supports (for tests and comparisons). */
  public static VectorKernels scalar() {
    return new ScalarKernels();
  }

  /** The Panama implementation if it can run here, else empty; logs nothing. */
  public static Optional<VectorKernels> panama() {
    Attempt a = tryPanama();
    return Optional.ofNullable(a.kernels);
  }

  private static final class Holder {
    static final VectorKernels CHOSEN = choose(System.getProperty(PROPERTY));
  }

  /** The choice for a given property value (null: automatic), logged. Package-private for tests. */
  static VectorKernels choose(String requested) {
    String want = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
    if (want.equals("scalar")) {
      LOG.info(() -> "negmine vector backend: scalar (requested by -D" + PROPERTY + "=scalar)");
      return scalar();
    }
    if (!want.isEmpty() && !want.equals("panama")) {
      LOG.warning(() -> "ignoring -D" + PROPERTY + "=" + requested + " (expected scalar or panama)");
    }
    Attempt a = tryPanama();
    if (a.kernels != null) {
      VectorKernels k = a.kernels;
      LOG.info(() -> "negmine vector backend: " + k);
      return k;
    }
    LOG.log(Level.WARNING, "negmine vector backend: scalar, because " + a.reason
        + (a.error == null ? "" : " (" + a.error + ")"));
    return scalar();
  }

  /** The outcome of loading the Panama kernels: the kernels, or why not (and the error, if one). */
  private record Attempt(VectorKernels kernels, String reason, Throwable error) {
    static Attempt loaded(VectorKernels kernels) {
      return new Attempt(kernels, null, null);
    }

    static Attempt refused(String reason) {
      return new Attempt(null, reason, null);
    }

    static Attempt failed(String reason, Throwable error) {
      return new Attempt(null, reason, error);
    }
  }

  private static Attempt tryPanama() {
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return Attempt.refused("module " + MODULE + " is not resolved; run with --add-modules " + MODULE);
    }
    String vmInfo = System.getProperty("java.vm.info", "");
    if (vmInfo.contains("interpreted mode")) {
      return Attempt.refused("the JVM runs interpreted only (-Xint); the Vector API would be slower than loops");
    }
    try {
      Class<?> c = Class.forName(PANAMA_CLASS);
      int lanes = (int) c.getDeclaredMethod("lanes").invoke(null);
      if (lanes < 4) {
        return Attempt.refused("the preferred float species has only " + lanes + " lanes (need 4)");
      }
      return Attempt.loaded((VectorKernels) c.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
      return Attempt.failed("the Vector API could not be loaded", e);
    }
  }
}
