package io.a4c.functions.builds;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.a4c.events.BuildClaim;
import io.a4c.events.EventJson;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.priming.PrimingEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Lambda entry point builders invoke (synchronously, with their host role) to claim a build: a
 * {@link BuildClaim} in, a {@link io.a4c.events.BuildClaimAnswer} out, in the contracts' JSON. The
 * invoke says nothing of its caller, so the claim carries proof of it, checked first ({@link
 * BuildClaimDoor}). A claim that cannot be read is an error the builder sees, and it leaves the job
 * alone; fields of a later release (a builder upgraded first) are ignored ({@link
 * EventJson#messageReader}).
 */
public final class BuildClaimFunction implements RequestStreamHandler {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final ObjectReader CLAIMS = EventJson.messageReader(JSON, BuildClaim.class);

  private final BuildClaimDoor door;

  public BuildClaimFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private BuildClaimFunction(FunctionsComponent graph) {
    this(graph.buildClaimDoor());
    graph.priming().register(this, PrimingEvents::buildClaim);
  }

  BuildClaimFunction(BuildClaimDoor door) {
    this.door = door;
  }

  /** The function over an existing graph's door (the local runtime's Lambda stand-in). */
  public static BuildClaimFunction local(BuildClaimDoor door) {
    return new BuildClaimFunction(door);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    handle(input, output);
  }

  /** Reads a claim, writes the answer; shared with the local runtime's Lambda stand-in. */
  public void handle(InputStream input, OutputStream output) throws IOException {
    BuildClaim claim = CLAIMS.readValue(input);
    JSON.writeValue(output, door.claim(claim));
  }
}
