package io.a4c.functions.http;

import java.util.List;

/**
 * Every HTTP route and the function that serves it: what API Gateway is configured with in AWS, and
 * what the local runtime routes by. The OpenAPI document lists the same routes (a test checks).
 */
public final class ApiRoutes {
  /** The functions that serve HTTP routes. */
  public enum Function {
    WORKSPACES,
    ADMIN,
    IMAGE_SCHEDULES,
    SSH_KEYS
  }

  /**
   * One route.
   *
   * @param method HTTP method
   * @param path path template with {@code {name}} parameters, as API Gateway writes it
   */
  public record Route(String method, String path, Function function) {
    /** The API Gateway route key, e.g. {@code GET /v1/hosts}. */
    public String key() {
      return method + " " + path;
    }
  }

  public static final String WORKSPACES = "/v1/users/{userId}/workspaces";
  public static final String WORKSPACE = "/v1/users/{userId}/workspaces/{workspaceId}";
  public static final String WORKSPACE_STOP = WORKSPACE + "/stop";
  public static final String WORKSPACE_START = WORKSPACE + "/start";
  public static final String WORKSPACE_REBUILD = WORKSPACE + "/rebuild";
  public static final String PROJECTS = "/v1/projects";
  public static final String PROJECT = "/v1/projects/{projectName}";
  public static final String PROJECT_IMAGES = "/v1/projects/{projectName}/images";
  public static final String HOSTS = "/v1/hosts";
  public static final String HOST_STATUS = "/v1/hosts/{hostId}/status";
  public static final String AUDIT = "/v1/audit";
  public static final String IMAGE_SCHEDULES = "/v1/users/{userId}/image-schedules";
  public static final String IMAGE_SCHEDULE = "/v1/users/{userId}/image-schedules/{scheduleId}";
  public static final String IMAGE_SCHEDULE_LOG =
      "/v1/users/{userId}/image-schedules/{scheduleId}/log";
  public static final String RECURRING_BUILDS = "/v1/recurring-builds";
  public static final String BUILD_QUEUE = "/v1/builds/queue";
  public static final String SSH_KEYS = "/v1/users/{userId}/ssh-keys";
  public static final String SSH_KEY = "/v1/users/{userId}/ssh-keys/{keyName}";
  public static final String KNOWN_HOSTS = "/v1/ssh/known-hosts";

  public static final List<Route> ALL =
      List.of(
          new Route("POST", WORKSPACES, Function.WORKSPACES),
          new Route("GET", WORKSPACES, Function.WORKSPACES),
          new Route("GET", WORKSPACE, Function.WORKSPACES),
          new Route("DELETE", WORKSPACE, Function.WORKSPACES),
          new Route("POST", WORKSPACE_STOP, Function.WORKSPACES),
          new Route("POST", WORKSPACE_START, Function.WORKSPACES),
          new Route("POST", WORKSPACE_REBUILD, Function.WORKSPACES),
          new Route("GET", PROJECTS, Function.WORKSPACES),
          new Route("PUT", PROJECT, Function.ADMIN),
          new Route("GET", PROJECT, Function.ADMIN),
          new Route("POST", PROJECT_IMAGES, Function.ADMIN),
          new Route("GET", PROJECT_IMAGES, Function.ADMIN),
          new Route("GET", HOSTS, Function.ADMIN),
          new Route("PUT", HOST_STATUS, Function.ADMIN),
          new Route("GET", AUDIT, Function.ADMIN),
          new Route("POST", IMAGE_SCHEDULES, Function.IMAGE_SCHEDULES),
          new Route("GET", IMAGE_SCHEDULES, Function.IMAGE_SCHEDULES),
          new Route("GET", IMAGE_SCHEDULE, Function.IMAGE_SCHEDULES),
          new Route("DELETE", IMAGE_SCHEDULE, Function.IMAGE_SCHEDULES),
          new Route("GET", IMAGE_SCHEDULE_LOG, Function.IMAGE_SCHEDULES),
          new Route("GET", RECURRING_BUILDS, Function.IMAGE_SCHEDULES),
          new Route("PUT", RECURRING_BUILDS, Function.IMAGE_SCHEDULES),
          new Route("GET", BUILD_QUEUE, Function.IMAGE_SCHEDULES),
          new Route("GET", SSH_KEYS, Function.SSH_KEYS),
          new Route("PUT", SSH_KEY, Function.SSH_KEYS),
          new Route("DELETE", SSH_KEY, Function.SSH_KEYS),
          new Route("GET", KNOWN_HOSTS, Function.SSH_KEYS));

  private ApiRoutes() {}
}
