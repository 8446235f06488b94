package io.a4c.functions.aws;

import dagger.Module;
import dagger.Provides;
import io.a4c.functions.config.FunctionsConfig;
import javax.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients, one of each per function instance. The URL-connection HTTP client keeps the
 * artifact small and the cold start short; endpoint overrides point them at the local emulators.
 */
@Module
public final class AwsModule {
  private AwsModule() {}

  @Provides
  @Singleton
  static DynamoDbClient dynamoDb(FunctionsConfig config, AwsCredentialsProvider credentials) {
    var builder =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(config.region()))
            .credentialsProvider(credentials);
    config.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  @Provides
  @Singleton
  static SqsClient sqs(FunctionsConfig config, AwsCredentialsProvider credentials) {
    var builder =
        SqsClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(config.region()))
            .credentialsProvider(credentials);
    config.sqsEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  @Provides
  @Singleton
  static SesV2Client ses(FunctionsConfig config, AwsCredentialsProvider credentials) {
    var builder =
        SesV2Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(config.region()))
            .credentialsProvider(credentials);
    config.builds().sesEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Real credentials in AWS; fixed dummy ones when talking to the local emulators. */
  @Provides
  @Singleton
  static AwsCredentialsProvider credentials(FunctionsConfig config) {
    if (config.dynamoDbEndpoint().isPresent() || config.sqsEndpoint().isPresent()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
