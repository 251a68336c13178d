package org.pilotline.acquisition;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Guards the module's two layering rules; see CONVENTIONS.md. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.pilotline.acquisition");
  }

  @Test
  void domainTypesDependOnlyOnTheJdk() {
    classes().that().resideInAPackage("org.pilotline.acquisition.line..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.pilotline.acquisition.line..")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("org.pilotline.acquisition.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void acquisitionNeverReachesIntoDownstreamModules() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("org.pilotline.analytics..", "org.pilotline.hmi..")
        .check(classes);
  }
}
