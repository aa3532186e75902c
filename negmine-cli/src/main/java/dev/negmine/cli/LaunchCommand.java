package dev.negmine.cli;

import dev.negmine.train.distributed.Launcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code negmine launch --replicas N -- train ...}: starts N ranks of {@code negmine train
 * --distributed ...} under mpirun, with this JVM's binary, options and class path, and returns
 * mpirun's exit code.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
    description = {"Start a data-parallel job: N ranks of 'negmine train --distributed ...' under Open MPI's mpirun.",
        "Example: negmine launch --replicas 2 -- train --epochs 3 --out runs/dp2"})
final class LaunchCommand implements Callable<Integer> {
  @Option(names = "--replicas", required = true, description = "number of ranks (processes)")
  int replicas;

  @Option(names = "--dry-run", description = "print the mpirun command instead of running it")
  boolean dryRun;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the negmine command to run on every rank (train ...)")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    if (replicas < 1) {
      System.err.println("negmine launch: --replicas must be >= 1, got " + replicas);
      return 2;
    }
    if (!command.get(0).equals("train")) {
      System.err.println("negmine launch: only 'train' runs distributed, got '" + command.get(0) + "'");
      return 2;
    }
    List<String> args = new ArrayList<>(command);
    if (!args.contains("--distributed")) {
      args.add(1, "--distributed");
    }
    List<String> cmd;
    try {
      cmd = Launcher.mpirunCommand(replicas, Launcher.javaCommand(Main.class.getName(), args));
    } catch (IllegalStateException e) {
      System.err.println("negmine launch: " + e.getMessage());
      return 2;
    }
    if (dryRun) {
      System.out.println(String.join(" ", cmd));
      return 0;
    }
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (p.isAlive()) {
        p.destroy();
      }
    }));
    return p.waitFor();
  }
}
