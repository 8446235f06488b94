package io.a4c.daemon.registry;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the daemon logs in to its repository's registry, chosen from its configuration: {@code auto}
 * (the default) picks {@link #ECR} when the repository's registry is an ECR private registry,
 * {@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]}, else {@link #BASIC} when a user name is
 * given, and {@link #NONE} otherwise; {@code ecr}, {@code basic} and {@code none} force one (e.g.
 * {@code ecr} for ECR behind another DNS name).
 */
public enum RegistryLogin {
  /** No credentials: a registry open to anyone who reaches it, or no repository configured. */
  NONE,
  /** A token from ECR's GetAuthorizationToken, with the host's own AWS credentials. */
  ECR,
  /**
   * A fixed user name and password ({@link RegistryCredentials}): the local fleet's registry, or
   * any self-run registry with basic auth.
   */
  BASIC;

  /** An ECR private registry's host name; group 1 is its region. */
  static final Pattern ECR_REGISTRY =
      Pattern.compile("[0-9]{12}\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  /**
   * The login for {@code repository} under {@code setting} ({@code auto}, {@code ecr}, {@code
   * basic} or {@code none}; null or blank is {@code auto}).
   *
   * @param credentialsGiven whether a user name and password file for {@link #BASIC} are set
   * @throws IllegalArgumentException for another setting, {@code ecr} or {@code basic} without a
   *     repository, or {@code basic} without credentials
   */
  public static RegistryLogin choose(
      String setting, Optional<ImageRepository> repository, boolean credentialsGiven) {
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
      case "basic" -> {
        if (repository.isEmpty()) {
          throw new IllegalArgumentException("basic needs a repository to log in to");
        }
        if (!credentialsGiven) {
          throw new IllegalArgumentException("basic needs a user name and a password file");
        }
        yield BASIC;
      }
      case "auto" -> {
        if (repository.flatMap(r -> ecrRegion(r.registry())).isPresent()) {
          yield ECR;
        }
        yield repository.isPresent() && credentialsGiven ? BASIC : NONE;
      }
      default ->
          throw new IllegalArgumentException("must be auto, ecr, basic or none, was " + setting);
    };
  }

  /** The region of an ECR registry host, or empty when {@code registry} is not one. */
  public static Optional<String> ecrRegion(String registry) {
    Matcher m = ECR_REGISTRY.matcher(registry);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
