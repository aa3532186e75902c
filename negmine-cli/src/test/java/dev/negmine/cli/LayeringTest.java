package dev.negmine.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering, checked on the compiled main classes of every module (the CLI's test class
 * path holds them all): core &lt;- index &lt;- train &lt;- {text, spark, mpi} &lt;- cli, arrows pointing
 * down only. Only core and index are free of the deep-learning engine below train; spark and mpi
 * meet train's world through core's contracts ({@code LabeledData}, {@code Embedder},
 * {@code Collective}); the CLI maps flags and prints, so it never touches the engine.
 */
class LayeringTest {
  private static final String CORE = "dev.negmine.core..";
  private static final String INDEX = "dev.negmine.index..";
  private static final String TRAIN = "dev.negmine.train..";
  private static final String TEXT = "dev.negmine.text..";
  private static final String SPARK = "dev.negmine.spark..";
  private static final String MPI = "dev.negmine.mpi..";
  private static final String CLI = "dev.negmine.cli..";
  private static final String DJL = "ai.djl..";

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.negmine");
  }

  @Test
  void everyModuleIsOnTheClassPath() {
    for (String p : List.of("core", "index", "train", "text", "spark", "mpi", "cli")) {
      String pkg = "dev.negmine." + p;
      assertFalse(classes.stream().noneMatch(c -> c.getPackageName().startsWith(pkg)), "no main classes of " + pkg + " imported");
    }
  }

  @Test
  void coreDependsOnNoOtherModuleAndNoEngine() {
    check(noClasses().that().resideInAPackage(CORE).should().dependOnClassesThat()
        .resideInAnyPackage(INDEX, TRAIN, TEXT, SPARK, MPI, CLI, DJL));
  }

  @Test
  void indexDependsOnCoreOnly() {
    check(noClasses().that().resideInAPackage(INDEX).should().dependOnClassesThat()
        .resideInAnyPackage(TRAIN, TEXT, SPARK, MPI, CLI, DJL));
  }

  @Test
  void trainDependsOnNothingAboveIt() {
    check(noClasses().that().resideInAPackage(TRAIN).should().dependOnClassesThat()
        .resideInAnyPackage(TEXT, SPARK, MPI, CLI));
  }

  @Test
  void textDependsOnNothingAboveIt() {
    check(noClasses().that().resideInAPackage(TEXT).should().dependOnClassesThat()
        .resideInAnyPackage(SPARK, MPI, CLI));
  }

  @Test
  void sparkUsesNeitherTheEngineNorTrain() {
    check(noClasses().that().resideInAPackage(SPARK).should().dependOnClassesThat()
        .resideInAnyPackage(TRAIN, TEXT, MPI, CLI, DJL));
  }

  @Test
  void mpiUsesNeitherTheEngineNorTrain() {
    check(noClasses().that().resideInAPackage(MPI).should().dependOnClassesThat()
        .resideInAnyPackage(TRAIN, TEXT, SPARK, CLI, DJL));
  }

  @Test
  void cliHoldsNoTrainingLogic() {
    check(noClasses().that().resideInAPackage(CLI).should().dependOnClassesThat().resideInAPackage(DJL));
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
