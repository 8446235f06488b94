package io.a4c.daemon.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;

/** Makes the one Docker client a daemon shares across its threads. */
public final class DockerClients {
  private DockerClients() {}

  /**
   * A client for {@code dockerHost} (e.g. {@code unix:///var/run/docker.sock}), with bounded
   * timeouts so a hung engine shows as a transient failure instead of a stuck daemon.
   */
  public static DockerClient connect(String dockerHost) {
    return connect(dockerHost, Duration.ofMinutes(2));
  }

  /** A client whose reads wait up to {@code responseTimeout} (builds stream for a long time). */
  public static DockerClient connect(String dockerHost, Duration responseTimeout) {
    var config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    var http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(32)
            .connectionTimeout(Duration.ofSeconds(5))
            .responseTimeout(responseTimeout)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }
}
