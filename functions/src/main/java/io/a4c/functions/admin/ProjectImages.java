package io.a4c.functions.admin;

import io.a4c.events.Arch;
import io.a4c.functions.hosts.HostImageStore;
import io.a4c.functions.projects.Image;
import io.a4c.functions.projects.ImageStore;
import io.a4c.functions.projects.ProjectService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * A project's completed images with the hosts that hold each, as their heartbeats last said: what
 * prefetch put where, and where placement can put a workspace of that image without a pull. Per
 * parent and arch, newest change first; the first is the default new workspaces get. Thread-safe.
 */
@Singleton
public final class ProjectImages {
  /** The newest images listed per parent and arch. */
  static final int PER_PARENT_AND_ARCH = 10;

  private final ProjectService projects;
  private final ImageStore images;
  private final HostImageStore holders;

  @Inject
  ProjectImages(ProjectService projects, ImageStore images, HostImageStore holders) {
    this.projects = projects;
    this.images = images;
    this.holders = holders;
  }

  /**
   * One listed image.
   *
   * @param newest whether it is the newest of its parent and arch: the one new workspaces get
   * @param holders the hosts whose last heartbeat lists it, by id
   */
  public record View(
      String parentName,
      Arch arch,
      String change,
      long position,
      String imageRef,
      Instant completedAt,
      boolean newest,
      List<String> holders) {}

  /** The project's images; 404 when there is no such project. */
  public List<View> of(String projectName) {
    var project = projects.get(projectName);
    List<View> views = new ArrayList<>();
    for (String parent : project.config().parents()) {
      for (Arch arch : Arch.values()) {
        boolean first = true;
        for (Image image :
            images.completedNewestFirst(projectName, parent, arch, PER_PARENT_AND_ARCH)) {
          views.add(
              new View(
                  parent,
                  arch,
                  image.change(),
                  image.position(),
                  image.imageRef(),
                  image.createdAt(),
                  first,
                  holders.holders(image.imageRef()).stream().sorted().toList()));
          first = false;
        }
      }
    }
    return views;
  }
}
