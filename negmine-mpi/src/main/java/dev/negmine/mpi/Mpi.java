package dev.negmine.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Open MPI's C API through FFM: the handful of functions negmine calls, and the predefined handles
 * of Open MPI's ABI (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM... are addresses of global structs in
 * libmpi, e.g. {@code &ompi_mpi_comm_world}; other MPI implementations use other ABIs and are not
 * supported). Every call that returns an MPI error code goes through {@link #check}, which turns a
 * non-zero code into a {@link dev.negmine.core.distributed.CollectiveException} with
 * MPI_Error_string's text. Thread-safe to the degree the MPI library is (see
 * {@link #initThread}).
 */
final class Mpi {
  static final int THREAD_MULTIPLE = 3;
  static final int MAX_ERROR_STRING = 256;
  /** MPI_IN_PLACE in Open MPI's mpi.h. */
  static final MemorySegment IN_PLACE = MemorySegment.ofAddress(1);

  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

  final Path library;
  final MemorySegment commWorld;
  final MemorySegment typeFloat;
  final MemorySegment typeDouble;
  final MemorySegment typeInt;
  final MemorySegment typeInt64;
  final MemorySegment typeByte;
  final MemorySegment opSum;
  final MemorySegment errorsReturn;

  private final MethodHandle initialized;
  private final MethodHandle initThread;
  private final MethodHandle finalized;
  private final MethodHandle finalizeH;
  private final MethodHandle commRank;
  private final MethodHandle commSize;
  private final MethodHandle setErrhandler;
  private final MethodHandle allgather;
  private final MethodHandle allgatherv;
  private final MethodHandle allreduce;
  private final MethodHandle bcast;
  private final MethodHandle barrierH;
  private final MethodHandle abortH;
  private final MethodHandle errorString;

  private Mpi(Path library, SymbolLookup lib) {
    this.library = library;
    Linker linker = Linker.nativeLinker();
    commWorld = symbol(lib, "ompi_mpi_comm_world");
    typeFloat = symbol(lib, "ompi_mpi_float");
    typeDouble = symbol(lib, "ompi_mpi_double");
    typeInt = symbol(lib, "ompi_mpi_int");
    typeInt64 = symbol(lib, "ompi_mpi_int64_t");
    typeByte = symbol(lib, "ompi_mpi_byte");
    opSum = symbol(lib, "ompi_mpi_op_sum");
    errorsReturn = symbol(lib, "ompi_mpi_errors_return");
    initialized = fn(linker, lib, "MPI_Initialized", FunctionDescriptor.of(INT, PTR));
    initThread = fn(linker, lib, "MPI_Init_thread", FunctionDescriptor.of(INT, PTR, PTR, INT, PTR));
    finalized = fn(linker, lib, "MPI_Finalized", FunctionDescriptor.of(INT, PTR));
    finalizeH = fn(linker, lib, "MPI_Finalize", FunctionDescriptor.of(INT));
    commRank = fn(linker, lib, "MPI_Comm_rank", FunctionDescriptor.of(INT, PTR, PTR));
    commSize = fn(linker, lib, "MPI_Comm_size", FunctionDescriptor.of(INT, PTR, PTR));
    setErrhandler = fn(linker, lib, "MPI_Comm_set_errhandler", FunctionDescriptor.of(INT, PTR, PTR));
    allgather = fn(linker, lib, "MPI_Allgather", FunctionDescriptor.of(INT, PTR, INT, PTR, PTR, INT, PTR, PTR));
    allgatherv = fn(linker, lib, "MPI_Allgatherv", FunctionDescriptor.of(INT, PTR, INT, PTR, PTR, PTR, PTR, PTR, PTR));
    allreduce = fn(linker, lib, "MPI_Allreduce", FunctionDescriptor.of(INT, PTR, PTR, INT, PTR, PTR, PTR));
    bcast = fn(linker, lib, "MPI_Bcast", FunctionDescriptor.of(INT, PTR, INT, PTR, INT, PTR));
    barrierH = fn(linker, lib, "MPI_Barrier", FunctionDescriptor.of(INT, PTR));
    abortH = fn(linker, lib, "MPI_Abort", FunctionDescriptor.of(INT, PTR, INT));
    errorString = fn(linker, lib, "MPI_Error_string", FunctionDescriptor.of(INT, INT, PTR, PTR));
  }

  /** Candidate library files, in order: $NEGMINE_LIBMPI, then the usual places of libmpi.so.40. */
  static List<Path> candidates() {
    List<Path> out = new ArrayList<>();
    String env = System.getenv("NEGMINE_LIBMPI");
    if (env != null && !env.isBlank()) {
      out.add(Path.of(env));
    }
    for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64/openmpi/lib",
        "/usr/lib/openmpi/lib", "/usr/local/lib", "/opt/openmpi/lib", "/usr/lib64", "/usr/lib"}) {
      out.add(Path.of(dir, "libmpi.so.40"));
    }
    return out;
  }

  /** The first candidate file that exists, or null. */
  static Path find() {
    for (Path p : candidates()) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  /** Loads libmpi (it stays loaded for the life of the process). */
  static Mpi load() {
    Path p = find();
    if (p == null) {
      throw new IllegalStateException("Open MPI's libmpi.so.40 not found (looked in " + candidates()
          + "); install it (Debian: apt-get install openmpi-bin libopenmpi-dev) or set NEGMINE_LIBMPI");
    }
    return new Mpi(p, SymbolLookup.libraryLookup(p, Arena.global()));
  }

  private static MemorySegment symbol(SymbolLookup lib, String name) {
    return lib.find(name).orElseThrow(() -> new IllegalStateException(
        "libmpi has no symbol " + name + ": not Open MPI, or an incompatible version"));
  }

  private static MethodHandle fn(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
    return linker.downcallHandle(symbol(lib, name), fd);
  }

  /** MPI_Error_string of {@code code}. */
  String errorString(int code) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(MAX_ERROR_STRING + 1);
      MemorySegment len = a.allocate(INT);
      int rc = (int) errorString.invokeExact(code, buf, len);
      if (rc != 0) {
        return "MPI error code " + code;
      }
      return buf.getString(0);
    } catch (Throwable t) {
      return "MPI error code " + code + " (" + t + ")";
    }
  }

  /** Throws a CollectiveException with MPI's message when {@code rc} is not MPI_SUCCESS. */
  void check(String call, int rc) {
    if (rc != 0) {
      throw new dev.negmine.core.distributed.CollectiveException(call + " failed: " + errorString(rc));
    }
  }

  boolean isInitialized() {
    return flag(initialized);
  }

  boolean isFinalized() {
    return flag(finalized);
  }

  private boolean flag(MethodHandle h) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment f = a.allocate(INT);
      int rc = (int) h.invokeExact(f);
      check("MPI flag query", rc);
      return f.get(INT, 0) != 0;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** MPI_Init_thread(NULL, NULL, required, &provided); returns the provided level. */
  int initThread(int required) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment provided = a.allocate(INT);
      int rc = (int) initThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL, required, provided);
      check("MPI_Init_thread", rc);
      return provided.get(INT, 0);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  int rank() {
    return query(commRank, "MPI_Comm_rank");
  }

  int size() {
    return query(commSize, "MPI_Comm_size");
  }

  private int query(MethodHandle h, String name) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(INT);
      int rc = (int) h.invokeExact(commWorld, out);
      check(name, rc);
      return out.get(INT, 0);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Errors on MPI_COMM_WORLD come back as codes (MPI_ERRORS_RETURN) instead of ending the job. */
  void errorsReturn() {
    call("MPI_Comm_set_errhandler", () -> (int) setErrhandler.invokeExact(commWorld, errorsReturn));
  }

  void allgather(MemorySegment send, int sendCount, MemorySegment sendType, MemorySegment recv, int recvCount,
      MemorySegment recvType) {
    call("MPI_Allgather", () -> (int) allgather.invokeExact(send, sendCount, sendType, recv, recvCount, recvType, commWorld));
  }

  void allgatherv(MemorySegment send, int sendCount, MemorySegment type, MemorySegment recv, MemorySegment counts,
      MemorySegment displs) {
    call("MPI_Allgatherv", () -> (int) allgatherv.invokeExact(send, sendCount, type, recv, counts, displs, type, commWorld));
  }

  void allreduce(MemorySegment send, MemorySegment recv, int count, MemorySegment type, MemorySegment op) {
    call("MPI_Allreduce", () -> (int) allreduce.invokeExact(send, recv, count, type, op, commWorld));
  }

  void bcast(MemorySegment buf, int count, MemorySegment type, int root) {
    call("MPI_Bcast", () -> (int) bcast.invokeExact(buf, count, type, root, commWorld));
  }

  void barrier() {
    call("MPI_Barrier", () -> (int) barrierH.invokeExact(commWorld));
  }

  void finalizeMpi() {
    call("MPI_Finalize", () -> (int) finalizeH.invokeExact());
  }

  /** MPI_Abort(MPI_COMM_WORLD, code): ends every rank of the job. */
  void abort(int code) {
    try {
      int rc = (int) abortH.invokeExact(commWorld, code);
      check("MPI_Abort", rc);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** A downcall returning an MPI error code. */
  @FunctionalInterface
  interface Call {
    int invoke() throws Throwable;
  }

  private void call(String name, Call c) {
    int rc;
    try {
      rc = c.invoke();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(name + ": " + t, t);
    }
    check(name, rc);
  }
}
