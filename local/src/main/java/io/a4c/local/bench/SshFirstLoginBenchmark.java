package io.a4c.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a developer waits for: from {@code POST /v1/users/{u}/workspaces} to the first successful
 * {@code ssh … true} into the new workspace (CA-verified host, the user's own key), over {@code
 * count} workspaces spread over the hosts; beside it, in the same run on the same hosts and image,
 * the raw path: {@code docker run -d} of the image with a command that makes an ed25519 host key,
 * writes the key and starts sshd, then the first {@code ssh true}. Reports median and p90 of both
 * and their ratio (issue 12 aims at ≤ 1.5×).
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.SshFirstLoginBenchmark [count]}
 * (default 10). Needs the engines ({@code local/engines.sh up 3}) and the Debian base with
 * openssh-server ({@code local/engines.sh debian-base}).
 */
public final class SshFirstLoginBenchmark {
  static final String IMAGE = "a4c-base:bookworm";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SshFirstLoginBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-bench.xml");
    }
    String hosts =
        System.getenv().getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock");
    Path dir = Files.createTempDirectory("a4c-ssh-bench");
    Path key = dir.resolve("id_ed25519");
    run(
        List.of(
            "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key.toString()));
    String publicKey = Files.readString(dir.resolve("id_ed25519.pub")).strip();
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT,
                "0",
                LocalEnv.DATA_DIR,
                dir.resolve("data").toString(),
                LocalEnv.DOCKER_HOSTS,
                hosts));
    Map<String, List<Long>> a4cByHost = new LinkedHashMap<>();
    Map<String, List<Long>> rawByHost = new LinkedHashMap<>();
    List<Long> toRunning = new ArrayList<>();
    try (var runtime = LocalRuntime.start(config)) {
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String admin = runtime.mintToken("bench-admin", true);
      String user = "ssh-bench";
      String token = runtime.mintToken(user, false);
      String project = "sshbench-" + Long.toString(System.currentTimeMillis(), 36);
      URI base = runtime.baseUri();
      check(
          send(
              http,
              "PUT",
              base + "/v1/projects/" + project,
              admin,
              """
              {"source": {"type": "git", "url": "file:///nonexistent"}, "baseImage": "%s",
               "tools": ["openssh-server"], "parents": ["main"], "setup": [],
               "quotas": {"maxWorkspacesPerUser": 100}}
              """
                  .formatted(IMAGE)),
          200);
      check(
          send(
              http,
              "POST",
              base + "/v1/projects/" + project + "/images",
              admin,
              "{\"parentName\": \"main\", \"arch\": \"amd64\", \"change\": \"1\", \"imageRef\": \"%s\"}"
                  .formatted(IMAGE)),
          201);
      check(
          send(
              http,
              "PUT",
              base + "/v1/users/" + user + "/ssh-keys/bench",
              token,
              "{\"publicKey\": \"" + publicKey + "\"}"),
          201);
      Path knownHosts = dir.resolve("known_hosts");
      var line = send(http, "GET", base + "/v1/ssh/known-hosts", token, null);
      check(line, 200);
      Files.writeString(knownHosts, line.body().strip() + "\n");

      // The A4C path, one workspace at a time (what one developer waits for).
      for (int i = 0; i <= count; i++) {
        long start = System.nanoTime();
        var created =
            send(
                http,
                "POST",
                base + "/v1/users/" + user + "/workspaces",
                token,
                "{\"projectName\": \"%s\", \"parentName\": \"main\", \"arch\": \"amd64\"}"
                    .formatted(project));
        check(created, 202);
        String id = JSON.readTree(created.body()).get("workspaceId").asText();
        JsonNode view;
        while (true) {
          view =
              JSON.readTree(
                  send(http, "GET", base + "/v1/users/" + user + "/workspaces/" + id, token, null)
                      .body());
          String state = view.path("state").asText();
          if (state.equals("RUNNING")) {
            break;
          }
          if (state.equals("FAILED")) {
            throw new IllegalStateException("workspace failed: " + view);
          }
          Thread.sleep(20);
        }
        long running = System.nanoTime() - start;
        String login = view.path("ssh").path("user").asText();
        String hostname = view.path("ssh").path("host").asText();
        String ip = view.path("ip").asText();
        awaitSsh(key, knownHosts, hostname, login + "@" + ip, true);
        long elapsed = System.nanoTime() - start;
        String hostId = view.path("hostId").asText();
        if (i > 0) { // the first is a warm-up (JIT, image layers in the page cache)
          a4cByHost.computeIfAbsent(hostId, h -> new ArrayList<>()).add(elapsed);
          toRunning.add(running);
        }
        check(
            send(http, "DELETE", base + "/v1/users/" + user + "/workspaces/" + id, token, null),
            202);
      }

      // The raw path on the same hosts, the same number of times per host.
      Path rawKnown = dir.resolve("raw_known_hosts");
      for (var entry : a4cByHost.entrySet()) {
        String hostId = entry.getKey();
        DockerClient docker = DockerClients.connect(endpointOf(hosts, hostId));
        String network = networkOf(docker);
        for (int i = 0; i <= entry.getValue().size(); i++) {
          long start = System.nanoTime();
          String container =
              docker
                  .createContainerCmd(IMAGE)
                  .withEnv("KEY=" + publicKey)
                  .withHostConfig(
                      com.github.dockerjava.api.model.HostConfig.newHostConfig()
                          .withNetworkMode(network))
                  .withCmd(
                      "sh",
                      "-c",
                      "mkdir -p /root/.ssh /run/sshd && echo \"$KEY\" > /root/.ssh/authorized_keys"
                          + " && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key"
                          + " && exec /usr/sbin/sshd -D -h /etc/ssh/ssh_host_ed25519_key"
                          + " -o PermitRootLogin=prohibit-password")
                  .exec()
                  .getId();
          try {
            docker.startContainerCmd(container).exec();
            var networks =
                docker.inspectContainerCmd(container).exec().getNetworkSettings().getNetworks();
            String ip = networks.values().iterator().next().getIpAddress();
            Files.deleteIfExists(rawKnown);
            awaitSsh(key, rawKnown, null, "root@" + ip, false);
            long elapsed = System.nanoTime() - start;
            if (i > 0) {
              rawByHost.computeIfAbsent(hostId, h -> new ArrayList<>()).add(elapsed);
            }
          } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
          }
        }
      }
    }
    long[] a4c = all(a4cByHost);
    long[] raw = all(rawByHost);
    System.out.println();
    System.out.printf(
        "POST to first ssh true, %d workspaces on %s: median %.0f ms, p90 %.0f ms%n",
        a4c.length, a4cByHost.keySet(), pct(a4c, 50), pct(a4c, 90));
    long[] running = toRunning.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "  of which POST to RUNNING in the API: median %.0f ms, p90 %.0f ms%n",
        pct(running, 50), pct(running, 90));
    System.out.printf(
        "raw docker run -d + sshd + first ssh true, %d containers: median %.0f ms, p90 %.0f ms%n",
        raw.length, pct(raw, 50), pct(raw, 90));
    System.out.printf(
        "ratio: median %.2fx, p90 %.2fx%n",
        pct(a4c, 50) / pct(raw, 50), pct(a4c, 90) / pct(raw, 90));
    for (var host : a4cByHost.keySet()) {
      long[] a = a4cByHost.get(host).stream().mapToLong(Long::longValue).sorted().toArray();
      long[] r = rawByHost.get(host).stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "  %s: A4C median %.0f ms (%d), raw median %.0f ms (%d)%n",
          host, pct(a, 50), a.length, pct(r, 50), r.length);
    }
  }

  /** Runs {@code ssh … true} until it succeeds (connection refused or reset until sshd is up). */
  private static void awaitSsh(
      Path key, Path knownHosts, String hostKeyAlias, String target, boolean strict)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "ssh",
                "-F",
                "/dev/null",
                "-i",
                key.toString(),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "UserKnownHostsFile=" + knownHosts,
                "-o",
                "GlobalKnownHostsFile=/dev/null",
                "-o",
                "StrictHostKeyChecking=" + (strict ? "yes" : "no"),
                "-o",
                "ConnectTimeout=5",
                "-o",
                "LogLevel=ERROR"));
    if (hostKeyAlias != null) {
      command.addAll(List.of("-o", "HostKeyAlias=" + hostKeyAlias));
    }
    command.addAll(List.of(target, "true"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      last = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() == 0) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("ssh " + target + " never succeeded: " + last);
  }

  static String networkOf(DockerClient docker) {
    // The workspaces' routed network when the host has one (so the root namespace reaches it).
    return docker.listNetworksCmd().withNameFilter("a4c-workspaces").exec().stream()
        .filter(n -> n.getName().equals("a4c-workspaces"))
        .findFirst()
        .map(n -> n.getName())
        .orElse("bridge");
  }

  static String endpointOf(String hosts, String hostId) {
    for (String pair : hosts.split(",")) {
      String[] parts = pair.split("=", 2);
      if (parts[0].equals(hostId)) {
        return parts[1];
      }
    }
    throw new IllegalArgumentException("no endpoint for " + hostId + " in " + hosts);
  }

  private static long[] all(Map<String, List<Long>> byHost) {
    return byHost.values().stream()
        .flatMap(List::stream)
        .mapToLong(Long::longValue)
        .sorted()
        .toArray();
  }

  static double pct(long[] sorted, int percentile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  static HttpResponse<String> send(
      HttpClient http, String method, String uri, String token, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(uri))
            .header("authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void check(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          response.request().method()
              + " "
              + response.request().uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
  }

  private static void run(List<String> command) throws Exception {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
