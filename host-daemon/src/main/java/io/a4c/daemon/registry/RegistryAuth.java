package io.a4c.daemon.registry;

import com.github.dockerjava.api.model.AuthConfig;
import java.util.Optional;

/**
 * The credentials a push or pull sends to the registry: the builder's push, the image a build
 * starts from, and a host's pull of an image it lacks. Which one the daemon uses is {@link
 * RegistryLogin}'s choice from its configuration. Implementations are thread-safe.
 */
public interface RegistryAuth {
  /** Sends no credentials: a registry that needs no login (the local one), or no repository set. */
  RegistryAuth NONE = imageRef -> Optional.empty();

  /**
   * The credentials to send with a push or pull of {@code imageRef}: present only for an image in
   * the daemon's own registry, so that no other registry ever receives them.
   *
   * @throws RegistryLoginFailed when the credentials could not be obtained (worth another try)
   */
  Optional<AuthConfig> forImage(String imageRef);
}
