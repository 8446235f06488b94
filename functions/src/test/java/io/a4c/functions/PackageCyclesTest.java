package io.a4c.functions;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The feature packages ({@code io.a4c.functions.workspaces}, {@code …builds}, {@code …hosts}, …)
 * depend on each other in one direction only, so each can be read and changed without the others
 * pulling back. The composition root (the Dagger component and its module in {@code
 * io.a4c.functions} itself) sees every package by design and is not a slice.
 */
@AnalyzeClasses(packages = "io.a4c.functions", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {
  @ArchTest
  static final ArchRule featurePackagesAreFreeOfCycles =
      slices().matching("io.a4c.functions.(*)..").should().beFreeOfCycles();
}
