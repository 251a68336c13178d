package org.pilotline.analytics;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Analytics works on records and the database, never on OPC UA; see CONVENTIONS.md. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.pilotline.analytics");
  }

  @Test
  void analyticsNeverImportsMilo() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.eclipse.milo..")
        .check(classes);
  }

  @Test
  void analyticsNeverReachesIntoTheHmi() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.pilotline.hmi..")
        .check(classes);
  }

  // SPC is pure logic on numbers: it must stay usable from any adapter and testable without one.
  @Test
  void spcDependsOnlyOnTheJdk() {
    classes().that().resideInAPackage("org.pilotline.analytics.spc..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.pilotline.analytics.spc..")
        .check(classes);
  }

  // SPC settings, violations and counters are values: the JDK and the spc package only.
  @Test
  void spcStreamRecordsDependOnlyOnTheJdkAndSpc() {
    classes().that().resideInAPackage("org.pilotline.analytics.spcstream..").and().areRecords()
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..",
            "org.pilotline.analytics.spcstream..", "org.pilotline.analytics.spc..")
        .check(classes);
  }

  // Model records (what the registry stores) stay JDK-only; only the model classes touch Smile.
  @Test
  void modelRecordsDependOnlyOnTheJdk() {
    classes().that().resideInAPackage("org.pilotline.analytics.model..").and().areRecords()
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.pilotline.analytics.model..")
        .check(classes);
  }

  // Anomalies and verdicts are domain values: the JDK and the model's Contribution only.
  @Test
  void anomalyRecordsDependOnlyOnTheJdkAndModelRecords() {
    classes().that().resideInAPackage("org.pilotline.analytics.anomaly..").and().areRecords()
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..",
            "org.pilotline.analytics.anomaly..", "org.pilotline.analytics.model..")
        .check(classes);
  }
}
