package io.a4c.daemon;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The daemon's packages ({@code …workspaces}, {@code …builds}, {@code …docker}, …) depend on each
 * other in one direction only. The daemon itself and its Dagger component, in {@code
 * io.a4c.daemon}, wire every package by design and are not a slice.
 */
@AnalyzeClasses(packages = "io.a4c.daemon", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {
  @ArchTest
  static final ArchRule packagesAreFreeOfCycles =
      slices().matching("io.a4c.daemon.(*)..").should().beFreeOfCycles();
}
