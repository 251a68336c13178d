package org.pilotline.hmi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HMI talks to equipment only through acquisition's own types; see CONVENTIONS.md. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.pilotline.hmi");
  }

  // The result server is the one OPC UA server the HMI module runs; everything else reaches
  // equipment through acquisition's types.
  @Test
  void onlyTheResultServerImportsMilo() {
    noClasses().that().resideOutsideOfPackage("org.pilotline.hmi.opcua..")
        .should().dependOnClassesThat().resideInAPackage("org.eclipse.milo..").check(classes);
  }

  @Test
  void userStoreDoesNotReachIntoOpcUaOrWeb() {
    noClasses().that().resideInAPackage("org.pilotline.hmi.auth..")
        .should().dependOnClassesThat().resideInAnyPackage("org.pilotline.hmi.opcua..", "org.pilotline.hmi.web..",
            "org.eclipse.milo..")
        .check(classes);
  }

  @Test
  void webPackageDoesNotReachIntoTheLauncher() {
    noClasses().that().resideInAPackage("org.pilotline.hmi.web..")
        .should().dependOnClassesThat().resideInAnyPackage("org.pilotline.hmi")
        .check(classes);
  }
}
