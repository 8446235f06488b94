package io.a4c.functions.projects;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.EventJson;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/projects} against Dynoxide: every project by name, each parent with the newest
 * COMPLETED image per arch, and nothing of the configuration a user may not read.
 */
class ProjectCatalogTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.5Z");
  private static final String SECRET_URL = "https://user:s3cret-token@git.example/shop.git";

  private final com.fasterxml.jackson.databind.ObjectMapper mapper = EventJson.newMapper();
  private ProjectStore projects;
  private ImageStore images;
  private ProjectCatalog catalog;

  @BeforeEach
  void catalog() {
    projects = new ProjectStore(dynamo.client(), dynamo.table(A4cTables.PROJECTS), mapper);
    images = new ImageStore(dynamo.client(), dynamo.table(A4cTables.IMAGES));
    catalog = new ProjectCatalog(projects, images);
  }

  @Test
  void eachParentListsTheNewestCompletedImageOfEachArchThatHasOne() {
    projects.put(project("shop", "main", "release"));
    projects.put(project("bank", "main"));
    images.put(image("shop", "main", Arch.AMD64, "c3", 3, Image.COMPLETED));
    images.put(image("shop", "main", Arch.AMD64, "c9", 9, Image.COMPLETED));
    images.put(image("shop", "main", Arch.AMD64, "c12", 12, "BUILDING"));
    images.put(image("shop", "main", Arch.ARM64, "c4", 4, Image.COMPLETED));

    var listed = catalog.list();

    assertThat(listed).extracting(ProjectListing::projectName).containsExactly("bank", "shop");
    var shop = listed.get(1);
    assertThat(shop.parents())
        .containsExactly(
            new ProjectListing.ParentListing(
                "main",
                List.of(
                    new ProjectListing.NewestImage(Arch.AMD64, "c9", T0),
                    new ProjectListing.NewestImage(Arch.ARM64, "c4", T0))),
            new ProjectListing.ParentListing("release", List.of()));
  }

  @Test
  void theListingHoldsNoSourceSetupBuildersOrImageReference() throws Exception {
    projects.put(project("shop", "main"));
    images.put(image("shop", "main", Arch.AMD64, "c1", 1, Image.COMPLETED));

    String body = mapper.writeValueAsString(catalog.list());

    assertThat(body)
        .contains("\"projectName\":\"shop\"", "\"parentName\":\"main\"", "\"arch\":\"amd64\"")
        .doesNotContain("s3cret", "git.example", "make deps", "alice", "registry.example");
  }

  private static Project project(String name, String... parents) {
    return new Project(
        name,
        new ProjectConfig(
            new ProjectSource("git", null, SECRET_URL),
            "debian:12",
            List.of("git"),
            List.of(parents),
            List.of("make deps"),
            null,
            null,
            List.of(),
            null,
            List.of("alice"),
            null,
            null),
        T0);
  }

  private static Image image(
      String project, String parent, Arch arch, String change, long position, String status) {
    return new Image(
        project,
        parent,
        arch,
        change,
        position,
        "registry.example/a4c-images:" + project + "_" + change,
        status,
        T0);
  }
}
