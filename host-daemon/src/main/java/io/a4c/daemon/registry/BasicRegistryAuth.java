package io.a4c.daemon.registry;

import com.github.dockerjava.api.model.AuthConfig;
import java.util.Optional;

/**
 * Logs in to a registry with a fixed user name and password, as {@code docker login} would, but
 * without writing them into any engine's or CLI's config: they go with each push and pull through
 * docker-java's {@link AuthConfig} (the engine's {@code X-Registry-Auth}), and only to the
 * repository's own registry. The local fleet's registry (Distribution with htpasswd auth) is one;
 * any self-run registry with basic auth is another.
 */
public final class BasicRegistryAuth implements RegistryAuth {
  private final ImageRepository repository;
  private final RegistryCredentials credentials;

  /**
   * @param repository the repository whose registry gets the credentials, and only it
   */
  public BasicRegistryAuth(ImageRepository repository, RegistryCredentials credentials) {
    this.repository = repository;
    this.credentials = credentials;
  }

  @Override
  public Optional<AuthConfig> forImage(String imageRef) {
    if (!ImageRepository.registryOf(imageRef).equals(Optional.of(repository.registry()))) {
      return Optional.empty();
    }
    // A new one each time: AuthConfig is mutable, and callers hand it to docker-java commands.
    return Optional.of(
        new AuthConfig()
            .withUsername(credentials.username())
            .withPassword(credentials.password())
            .withRegistryAddress(repository.registry()));
  }
}
