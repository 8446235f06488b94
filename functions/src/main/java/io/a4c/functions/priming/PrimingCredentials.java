package io.a4c.functions.priming;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The credentials of every AWS client: the real provider's, except on a thread that is priming
 * ({@link SnapStartPriming}), which signs its offline requests with dummy keys. So the snapshot
 * holds no credentials and no connection to the credentials endpoint; the first real request after
 * a restore fetches them. Thread-safe.
 */
public final class PrimingCredentials implements AwsCredentialsProvider {
  private static final AwsCredentials DUMMY = AwsBasicCredentials.create("priming", "priming");

  private final AwsCredentialsProvider delegate;
  private final SnapStartPriming priming;

  public PrimingCredentials(AwsCredentialsProvider delegate, SnapStartPriming priming) {
    this.delegate = delegate;
    this.priming = priming;
  }

  @Override
  public AwsCredentials resolveCredentials() {
    return priming.isPriming() ? DUMMY : delegate.resolveCredentials();
  }
}
