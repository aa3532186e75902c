/**
 * File formats: NumPy {@code .npy} ({@link dev.negmine.core.io.Npy}), TEXMEX {@code .fvecs} and
 * {@code .ivecs} ({@link dev.negmine.core.io.Fvecs}, {@link dev.negmine.core.io.Ivecs}), and the
 * IDX files of (Fashion-)MNIST ({@link dev.negmine.core.io.Idx}), plus crash-safe writes
 * ({@link dev.negmine.core.io.AtomicFiles}) for every artifact the project produces.
 *
 * <p>Errors: every problem with a file's content is a
 * {@link dev.negmine.core.io.NegmineFormatException}, a checked {@link java.io.IOException} whose
 * message is one line, {@code "<file>: <problem>"}. Programming errors (a negative shape passed to
 * a constructor) are {@link IllegalArgumentException}s.
 *
 * <p>All classes are stateless and thread-safe; writes are atomic (temp file, fsync, rename).
 */
package dev.negmine.core.io;
