package io.a4c.functions.projects;

import io.a4c.events.Arch;
import java.time.Instant;
import java.util.List;

/**
 * What any signed-in user sees of a project ({@code GET /v1/projects}): enough to ask for a
 * workspace — its name, its parents and, per parent, the newest completed image of each arch that
 * has one. Nothing else of the configuration: its source (a URL may carry credentials), setup
 * commands, builders and image references stay with admins.
 */
public record ProjectListing(String projectName, List<ParentListing> parents) {
  public ProjectListing {
    parents = List.copyOf(parents);
  }

  /**
   * One parent of a project and its newest images.
   *
   * @param images one per arch with a completed image, in {@link Arch} order; empty when no image
   *     of the parent is ready yet (a workspace of it cannot be created)
   */
  public record ParentListing(String parentName, List<NewestImage> images) {
    public ParentListing {
      images = List.copyOf(images);
    }
  }

  /** The newest completed image of a parent for one arch: what a create without a change runs. */
  public record NewestImage(Arch arch, String change, Instant createdAt) {
    static NewestImage of(Image image) {
      return new NewestImage(image.arch(), image.change(), image.createdAt());
    }
  }
}
