package io.a4c.infra.config;

import io.a4c.events.Names;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The deployment's inputs, read once from the CDK context ({@code -c key=value} or {@code
 * cdk.json}) and checked before any construct is made, with an error that names the context key.
 *
 * @param env which {@link EnvSettings} to use: {@code dev} (the default) or {@code prod}
 * @param jwtIssuer the identity provider's issuer URL; the HTTP API accepts only its tokens
 * @param jwtAudience the accepted {@code aud} (or {@code client_id}) values
 * @param senderEmail the address build emails and workspace expiry warnings come from (an SES email
 *     identity)
 * @param userEmailDomain the domain of users' addresses when their token has no {@code email} claim
 *     ({@code <userId>@<domain>}); empty: such users get no email
 * @param adminClaim the JWT claim that marks an administrator
 * @param workspaceDomain the DNS domain of workspace hostnames; empty leaves the functions' default
 * @param workspaceVpcId the VPC the workspace domain's private hosted zone is associated with
 *     (where the hosts' network and the developers' resolvers reach Route 53); empty: the stack
 *     makes a small VPC of its own
 * @param hostIds the hosts that get a role of their own, each reading only its own command queue
 * @param hostTrustAnchorArn an IAM Roles Anywhere trust anchor: when set, a host role can be taken
 *     only with a certificate whose common name is the host id
 * @param alarmEmail where alarms are emailed; empty leaves the topic without subscribers
 * @param imageProjects projects whose newest images the registry keeps, each by its tag prefix
 * @param idleStopMinutes the deployment's default idle stop, for projects that set none: after how
 *     many idle minutes a host stops a running workspace; 0 (the default) never
 * @param functionsJar path of the functions' shaded jar; empty uses the conventional path
 * @param dashboardClientId the identity provider's public client (no secret; PKCE) that the
 *     dashboard signs in with: one of {@code jwtAudience}, so that its tokens reach the API; empty
 *     takes the first audience
 */
public record DeployContext(
    String env,
    String jwtIssuer,
    List<String> jwtAudience,
    String senderEmail,
    Optional<String> userEmailDomain,
    String adminClaim,
    Optional<String> workspaceDomain,
    Optional<String> workspaceVpcId,
    List<String> hostIds,
    Optional<String> hostTrustAnchorArn,
    Optional<String> alarmEmail,
    List<String> imageProjects,
    int idleStopMinutes,
    Optional<String> functionsJar,
    Optional<String> dashboardClientId) {

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{8,17}");
  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_:./-]{1,128}");
  private static final Pattern TRUST_ANCHOR_ARN =
      Pattern.compile("arn:aws[a-z-]*:rolesanywhere:[a-z0-9-]+:\\d{12}:trust-anchor/[0-9a-f-]{36}");

  public DeployContext {
    jwtAudience = List.copyOf(jwtAudience);
    hostIds = List.copyOf(hostIds);
    imageProjects = List.copyOf(imageProjects);
    if (!jwtIssuer.startsWith("https://")) {
      throw new IllegalArgumentException(
          "context 'jwtIssuer' must be an https URL, was " + jwtIssuer);
    }
    URI.create(jwtIssuer);
    if (jwtAudience.isEmpty()) {
      throw new IllegalArgumentException("context 'jwtAudience' must name at least one audience");
    }
    if (!EMAIL.matcher(senderEmail).matches()) {
      throw new IllegalArgumentException("context 'senderEmail' must be an email address");
    }
    userEmailDomain.ifPresent(d -> requireMatch("userEmailDomain", d, Names.DNS_NAME));
    requireMatch("adminClaim", adminClaim, CLAIM);
    workspaceDomain.ifPresent(d -> requireMatch("workspaceDomain", d, Names.DNS_NAME));
    workspaceVpcId.ifPresent(v -> requireMatch("workspaceVpcId", v, VPC_ID));
    hostIds.forEach(id -> requireMatch("hosts", id, Names.HOST_ID));
    if (new LinkedHashSet<>(hostIds).size() != hostIds.size()) {
      throw new IllegalArgumentException("context 'hosts' lists a host id twice");
    }
    hostTrustAnchorArn.ifPresent(a -> requireMatch("hostTrustAnchorArn", a, TRUST_ANCHOR_ARN));
    alarmEmail.ifPresent(a -> requireMatch("alarmEmail", a, EMAIL));
    imageProjects.forEach(p -> requireMatch("imageProjects", p, Names.PROJECT_NAME));
    if (dashboardClientId.isPresent() && !jwtAudience.contains(dashboardClientId.get())) {
      throw new IllegalArgumentException(
          "context 'dashboardClientId' must be one of jwtAudience " + jwtAudience);
    }
    if (idleStopMinutes < 0) {
      throw new IllegalArgumentException(
          "context 'idleStopMinutes' must be 0 (never) or more, was " + idleStopMinutes);
    }
  }

  /**
   * Reads the context through {@code lookup} (the app passes {@code node::tryGetContext}). Values
   * may be strings, as {@code -c key=a,b} gives them, or JSON lists, as {@code cdk.json} gives
   * them.
   */
  public static DeployContext read(Function<String, Object> lookup) {
    return new DeployContext(
        optionalText(lookup, "env").orElse("dev"),
        requiredText(lookup, "jwtIssuer"),
        list(lookup, "jwtAudience"),
        requiredText(lookup, "senderEmail"),
        optionalText(lookup, "userEmailDomain"),
        optionalText(lookup, "adminClaim").orElse("admin"),
        optionalText(lookup, "workspaceDomain"),
        optionalText(lookup, "workspaceVpcId"),
        list(lookup, "hosts"),
        optionalText(lookup, "hostTrustAnchorArn"),
        optionalText(lookup, "alarmEmail"),
        list(lookup, "imageProjects"),
        wholeNumber(lookup, "idleStopMinutes").orElse(0),
        optionalText(lookup, "functionsJar"),
        optionalText(lookup, "dashboardClientId"));
  }

  /**
   * The client id the dashboard signs in with: {@link #dashboardClientId} or the first audience.
   */
  public String webClientId() {
    return dashboardClientId.orElse(jwtAudience.getFirst());
  }

  /** The settings of {@link #env()}. */
  public EnvSettings settings() {
    return EnvSettings.named(env);
  }

  private static String requiredText(Function<String, Object> lookup, String key) {
    return optionalText(lookup, key)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "context '" + key + "' is required: -c " + key + "=…"));
  }

  private static Optional<String> optionalText(Function<String, Object> lookup, String key) {
    Object value = lookup.apply(key);
    if (value == null || value.toString().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.toString().trim());
  }

  private static Optional<Integer> wholeNumber(Function<String, Object> lookup, String key) {
    return optionalText(lookup, key)
        .map(
            text -> {
              try {
                return Integer.parseInt(text);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    "context '" + key + "' must be a whole number, was " + text, e);
              }
            });
  }

  private static List<String> list(Function<String, Object> lookup, String key) {
    Object value = lookup.apply(key);
    List<String> items = new ArrayList<>();
    if (value instanceof List<?> values) {
      values.forEach(v -> items.add(String.valueOf(v).trim()));
    } else if (value != null) {
      for (String part : value.toString().split(",")) {
        items.add(part.trim());
      }
    }
    items.removeIf(String::isEmpty);
    return items;
  }

  private static void requireMatch(String key, String value, Pattern pattern) {
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("context '" + key + "' has a malformed value: " + value);
    }
  }
}
