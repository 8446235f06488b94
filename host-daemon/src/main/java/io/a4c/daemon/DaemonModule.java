package io.a4c.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import dagger.Module;
import dagger.Provides;
import io.a4c.daemon.commands.WorkspaceCommandHandler;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.registry.BasicRegistryAuth;
import io.a4c.daemon.registry.EcrRegistryAuth;
import io.a4c.daemon.registry.RegistryAuth;
import io.a4c.daemon.registry.RegistryLogin;
import io.a4c.daemon.workspaces.WorkspaceProvisioner;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.EventJson;
import io.a4c.events.SyncSshKeys;
import java.time.Clock;
import java.time.Duration;
import javax.inject.Named;
import javax.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Third-party clients of a host daemon. */
@Module
final class DaemonModule {
  private DaemonModule() {}

  @Provides
  @Singleton
  static DockerClient docker(DaemonConfig config) {
    return DockerClients.connect(config.dockerHost());
  }

  /** The builder's client: a build step may print nothing for a long time, so reads wait longer. */
  @Provides
  @Singleton
  @Named("builds")
  static DockerClient buildsDocker(DaemonConfig config) {
    return DockerClients.connect(config.dockerHost(), Duration.ofMinutes(30));
  }

  @Provides
  @Singleton
  static LambdaClient lambda(DaemonConfig config) {
    var builder =
        LambdaClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
            .region(Region.of(config.region()));
    if (config.builder().lambdaEndpoint().isPresent()) {
      builder.endpointOverride(config.builder().lambdaEndpoint().get());
      builder.credentialsProvider(
          StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }

  @Provides
  @Singleton
  static SqsClient sqs(DaemonConfig config) {
    var builder =
        SqsClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    // Long polls hold the socket for the poll wait; give reads room beyond it.
                    .socketTimeout(config.pollWait().plusSeconds(10))
                    .build())
            .region(Region.of(config.region()));
    if (config.sqsEndpoint().isPresent()) {
      builder.endpointOverride(config.sqsEndpoint().get());
      builder.credentialsProvider(
          StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }

  /**
   * The registry login {@link DaemonConfig#registryLogin()} names. ECR's client talks to the
   * registry's own region (from its host name), which need not be the daemon's.
   */
  @Provides
  @Singleton
  static RegistryAuth registryAuth(DaemonConfig config, Clock clock) {
    return switch (config.registryLogin()) {
      case NONE -> RegistryAuth.NONE;
      case ECR -> {
        var repository = config.imageRepository().orElseThrow();
        var ecr =
            EcrClient.builder()
                .httpClient(
                    UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
                .region(
                    Region.of(
                        RegistryLogin.ecrRegion(repository.registry()).orElse(config.region())))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .build();
        yield new EcrRegistryAuth(repository, ecr, clock);
      }
      case BASIC ->
          new BasicRegistryAuth(
              config.imageRepository().orElseThrow(), config.registryCredentials().orElseThrow());
    };
  }

  /** The command consumer hands workspace commands to the provisioner. */
  @Provides
  static WorkspaceCommandHandler workspaceCommands(WorkspaceProvisioner provisioner) {
    return new WorkspaceCommandHandler() {
      @Override
      public void create(CreateWorkspace command, int receiveCount) throws InterruptedException {
        provisioner.create(command, receiveCount);
      }

      @Override
      public void delete(DeleteWorkspace command) {
        provisioner.delete(command);
      }

      @Override
      public void syncKeys(SyncSshKeys command) {
        provisioner.syncKeys(command);
      }

      @Override
      public void stop(io.a4c.events.StopWorkspace command) {
        provisioner.stop(command);
      }

      @Override
      public void start(io.a4c.events.StartWorkspace command, int receiveCount)
          throws InterruptedException {
        provisioner.start(command, receiveCount);
      }

      @Override
      public void rebuild(io.a4c.events.RebuildWorkspace command, int receiveCount)
          throws InterruptedException {
        provisioner.rebuild(command, receiveCount);
      }

      @Override
      public void prefetch(io.a4c.events.PrefetchImage command) {
        provisioner.prefetch(command);
      }

      @Override
      public void fill(io.a4c.events.FillPool command, int receiveCount)
          throws InterruptedException {
        provisioner.fill(command, receiveCount);
      }
    };
  }

  @Provides
  @Singleton
  static ObjectMapper json() {
    return EventJson.newMapper();
  }
}
