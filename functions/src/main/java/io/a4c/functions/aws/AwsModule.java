package io.a4c.functions.aws;

import dagger.Module;
import dagger.Provides;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.priming.PrimingCredentials;
import io.a4c.functions.priming.PrimingHttpClient;
import io.a4c.functions.priming.SnapStartPriming;
import java.net.URI;
import java.util.Optional;
import javax.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients, one of each per function instance, sharing one HTTP client. The URL-connection
 * HTTP client keeps the artifact small and the cold start short; endpoint overrides point them at
 * the local emulators. HTTP and credentials pass through SnapStart priming, which answers AWS
 * offline while it runs (see {@link SnapStartPriming}).
 */
@Module
public final class AwsModule {
  private AwsModule() {}

  @Provides
  @Singleton
  static DynamoDbClient dynamoDb(
      FunctionsConfig config, SdkHttpClient http, AwsCredentialsProvider credentials) {
    return build(DynamoDbClient.builder(), config, http, credentials, config.dynamoDbEndpoint());
  }

  @Provides
  @Singleton
  static SqsClient sqs(
      FunctionsConfig config, SdkHttpClient http, AwsCredentialsProvider credentials) {
    return build(SqsClient.builder(), config, http, credentials, config.sqsEndpoint());
  }

  @Provides
  @Singleton
  static SesV2Client ses(
      FunctionsConfig config, SdkHttpClient http, AwsCredentialsProvider credentials) {
    return build(SesV2Client.builder(), config, http, credentials, config.builds().sesEndpoint());
  }

  /**
   * Made only by functions that sign SSH host certificates in AWS (through a {@code Provider}), so
   * the others pay nothing for it at cold start.
   */
  @Provides
  @Singleton
  static KmsClient kms(
      FunctionsConfig config, SdkHttpClient http, AwsCredentialsProvider credentials) {
    return build(KmsClient.builder(), config, http, credentials, Optional.empty());
  }

  /**
   * Route 53, a global service: its one endpoint, whatever the function's region. Injected lazily
   * ({@code dns/Route53WorkspaceDns}), so only a function that writes a record builds it.
   */
  @Provides
  @Singleton
  static Route53Client route53(SdkHttpClient http, AwsCredentialsProvider credentials) {
    return Route53Client.builder()
        .httpClient(http)
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(credentials)
        .build();
  }

  /**
   * A client of the function's region, on the shared HTTP client, at the endpoint override if any.
   */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
      B builder,
      FunctionsConfig config,
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Optional<URI> endpoint) {
    builder.httpClient(http).region(Region.of(config.region())).credentialsProvider(credentials);
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** One HTTP client for every AWS client. */
  @Provides
  @Singleton
  static SdkHttpClient http(SnapStartPriming priming) {
    return new PrimingHttpClient(UrlConnectionHttpClient.create(), priming);
  }

  /** Real credentials in AWS; fixed dummy ones when talking to the local emulators. */
  @Provides
  @Singleton
  static AwsCredentialsProvider credentials(FunctionsConfig config, SnapStartPriming priming) {
    if (config.dynamoDbEndpoint().isPresent() || config.sqsEndpoint().isPresent()) {
      return new PrimingCredentials(
          StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), priming);
    }
    return new PrimingCredentials(DefaultCredentialsProvider.builder().build(), priming);
  }
}
