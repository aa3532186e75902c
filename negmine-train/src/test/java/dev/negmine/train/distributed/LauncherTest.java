package dev.negmine.train.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
  @Test
  void mpirunIsNamedThroughItsRealDirectory(@TempDir Path dir) throws Exception {
    // a symlinked directory on the search path (as /bin -> usr/bin on merged-/usr systems): Open
    // MPI derives its prefix from the path it is started by, so the real directory must be used
    Path real = Files.createDirectories(dir.resolve("usr/bin"));
    Path exe = Files.createFile(real.resolve("mpirun"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path link = Files.createSymbolicLink(dir.resolve("bin"), Path.of("usr/bin"));
    assertEquals(exe.toRealPath(), Launcher.mpirun(dir.resolve("nothing") + ":" + link));
    assertEquals(exe.toRealPath(), Launcher.mpirun(real.toString()));
    assertNull(Launcher.mpirun(dir.resolve("nothing").toString()));
    assertNull(Launcher.mpirun(null));
  }
}
