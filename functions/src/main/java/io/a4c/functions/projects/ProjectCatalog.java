package io.a4c.functions.projects;

import io.a4c.events.Arch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The projects a user can create workspaces of, for {@code GET /v1/projects} (the workspaces API;
 * the dashboard's create form and the CLI read it). Any signed-in user may list them, so it returns
 * {@link ProjectListing}s, never the stored configuration.
 */
@Singleton
public final class ProjectCatalog {
  private final ProjectStore projects;
  private final ImageStore images;

  @Inject
  public ProjectCatalog(ProjectStore projects, ImageStore images) {
    this.projects = projects;
    this.images = images;
  }

  /**
   * Every project by name, each parent with its newest completed image per arch. One scan of the
   * projects (a handful of items) and one query per parent and arch.
   */
  public List<ProjectListing> list() {
    return projects.all().stream()
        .sorted(Comparator.comparing(Project::projectName))
        .map(this::listing)
        .toList();
  }

  private ProjectListing listing(Project project) {
    var parents = new ArrayList<ProjectListing.ParentListing>();
    for (String parent : project.config().parents()) {
      var newest = new ArrayList<ProjectListing.NewestImage>();
      for (Arch arch : Arch.values()) {
        Optional<Image> image = images.newestCompleted(project.projectName(), parent, arch);
        image.map(ProjectListing.NewestImage::of).ifPresent(newest::add);
      }
      parents.add(new ProjectListing.ParentListing(parent, newest));
    }
    return new ProjectListing(project.projectName(), parents);
  }
}
