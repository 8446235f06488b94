package io.a4c.daemon.registry;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the daemon logs in to its repository's registry, chosen from its configuration: {@code auto}
 * (the default) picks {@link #ECR} when the repository's registry is an ECR private registry,
 * {@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]}, and {@link #NONE} otherwise; {@code ecr}
 * and {@code none} force one (e.g. {@code ecr} for ECR behind another DNS name).
 */
public enum RegistryLogin {
  /** No credentials: the local registry, or no repository configured. */
  NONE,
  /** A token from ECR's GetAuthorizationToken, with the host's own AWS credentials. */
  ECR;

  /** An ECR private registry's host name; group 1 is its region. */
  static final Pattern ECR_REGISTRY =
      Pattern.compile("[0-9]{12}\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  /**
   * The login for {@code repository} under {@code setting} ({@code auto}, {@code ecr} or {@code
   * none}; null or blank is {@code auto}).
   *
   * @throws IllegalArgumentException for another setting, or {@code ecr} without a repository
   */
  public static RegistryLogin choose(String setting, Optional<ImageRepository> repository) {
    String value =
        setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "none" -> NONE;
      case "ecr" -> {
        if (repository.isEmpty()) {
          throw new IllegalArgumentException("ecr needs a repository to log in to");
        }
        yield ECR;
      }
      case "auto" -> repository.flatMap(r -> ecrRegion(r.registry())).isPresent() ? ECR : NONE;
      default -> throw new IllegalArgumentException("must be auto, ecr or none, was " + setting);
    };
  }

  /** The region of an ECR registry host, or empty when {@code registry} is not one. */
  public static Optional<String> ecrRegion(String registry) {
    Matcher m = ECR_REGISTRY.matcher(registry);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
