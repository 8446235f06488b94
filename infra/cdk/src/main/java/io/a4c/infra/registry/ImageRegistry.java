package io.a4c.infra.registry;

import io.a4c.events.ImageTags;
import io.a4c.infra.config.EnvSettings;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.TagStatus;
import software.constructs.Construct;

/**
 * The one ECR repository that builders push workspace images to and hosts pull from, every
 * project's images in it, tagged {@code <project>_<parent>_<arch>_<change>} ({@link ImageTags}).
 *
 * <p>The lifecycle policy expires untagged layers-only images after a day, keeps the newest {@link
 * EnvSettings#imagesKeptPerTagPrefix()} images of each configured project (its tags start with
 * {@link ImageTags#projectPrefix}, which no other project's do), and caps the rest at {@link
 * EnvSettings#imagesKeptInTotal()}. Hosts keep their own copy of an image, so expiry here never
 * breaks a running workspace; it only means an old change must be rebuilt before a new host can use
 * it.
 */
public final class ImageRegistry extends Construct {
  private final Repository repository;

  public ImageRegistry(
      Construct scope, String id, EnvSettings settings, List<String> imageProjects) {
    super(scope, id);
    List<LifecycleRule> rules = new ArrayList<>();
    rules.add(
        LifecycleRule.builder()
            .rulePriority(1)
            .description("expire untagged images after a day")
            .tagStatus(TagStatus.UNTAGGED)
            .maxImageAge(Duration.days(1))
            .build());
    int priority = 2;
    for (String project : imageProjects) {
      String prefix = ImageTags.projectPrefix(project);
      rules.add(
          LifecycleRule.builder()
              .rulePriority(priority++)
              .description(
                  "keep the newest " + settings.imagesKeptPerTagPrefix() + " of project " + project)
              .tagStatus(TagStatus.TAGGED)
              .tagPrefixList(List.of(prefix))
              .maxImageCount(settings.imagesKeptPerTagPrefix())
              .build());
    }
    // ECR requires the ANY rule to have the highest priority number: it is evaluated last.
    rules.add(
        LifecycleRule.builder()
            .rulePriority(priority)
            .description("keep at most " + settings.imagesKeptInTotal() + " images")
            .tagStatus(TagStatus.ANY)
            .maxImageCount(settings.imagesKeptInTotal())
            .build());

    repository =
        Repository.Builder.create(this, "Images")
            .imageScanOnPush(true)
            .lifecycleRules(rules)
            .removalPolicy(settings.removalPolicy())
            .emptyOnDelete(!settings.production())
            .build();
  }

  public Repository repository() {
    return repository;
  }
}
