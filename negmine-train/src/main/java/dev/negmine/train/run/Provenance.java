package dev.negmine.train.run;

import dev.negmine.core.linalg.Similarities;
import dev.negmine.train.engine.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where an artifact came from: negmine version, git revision (when run from a checkout), JDK, OS,
 * the vector backend of the similarity kernels, the engine and its thread count, and when.
 */
public record Provenance(
    String negmine,
    String gitRevision,
    String jdk,
    String os,
    String vectorBackend,
    String engine,
    int torchThreads,
    String createdAt) {

  public static Provenance current(Instant now) {
    return new Provenance("0.1.0", readGitRevision(), System.getProperty("java.vendor") + " " + Runtime.version(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"), Similarities.backend(),
        "PyTorch " + TorchRuntime.engine().getVersion(), TorchRuntime.threads(), now.toString());
  }

  /** HEAD of the git checkout containing the working directory, or "unknown". */
  static String readGitRevision() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path git = dir.resolve(".git");
      try {
        if (Files.isRegularFile(git)) {
          String line = Files.readString(git).trim();
          if (line.startsWith("gitdir:")) {
            git = dir.resolve(line.substring(7).trim());
          }
        }
        if (Files.isDirectory(git)) {
          String head = Files.readString(git.resolve("HEAD")).trim();
          if (head.startsWith("ref: ")) {
            String ref = head.substring(5);
            Path refFile = git.resolve(ref);
            if (!Files.exists(refFile)) {
              Path common = git.resolve("commondir");
              if (Files.exists(common)) {
                refFile = git.resolve(Files.readString(common).trim()).resolve(ref);
              }
            }
            return Files.exists(refFile) ? Files.readString(refFile).trim() : ref;
          }
          return head;
        }
      } catch (IOException e) {
        return "unknown";
      }
      dir = dir.getParent();
    }
    return "unknown";
  }
}
