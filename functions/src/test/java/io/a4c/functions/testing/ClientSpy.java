package io.a4c.functions.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * A client that hands each of its calls to a hook: to count it, look at it, delay it, throw in its
 * place, or let it through to the real client ({@link Call#proceed}). For faults and timings the
 * engine cannot give on cue. A stub ({@link #stub}) is the same without a real client.
 *
 * <pre>{@code
 * DynamoDbClient throttled =
 *     ClientSpy.on(dynamo.client(), call -> {
 *       if (call.is("updateItem")) throw ProvisionedThroughputExceededException.builder().build();
 *       return call.proceed();
 *     });
 * }</pre>
 *
 * <p>The hook sees every method of the client's interface as it is called, {@code Object}'s too. A
 * builder overload ({@code updateItem(Consumer)}) or a paginator let through is the real client's,
 * and the calls it makes itself do not come to the hook; {@link Call#throughSpy} runs the
 * interface's own body of such a method against the spy, so that they do.
 */
public final class ClientSpy {
  private ClientSpy() {}

  /** What a spy does with one call: its answer, or what it throws. */
  @FunctionalInterface
  public interface Hook {
    Object handle(Call call) throws Throwable;
  }

  /** A spy on the DynamoDB client {@code real}. */
  public static DynamoDbClient on(DynamoDbClient real, Hook hook) {
    return on(DynamoDbClient.class, real, hook);
  }

  /** A spy on {@code real}, a {@code type}. */
  public static <T> T on(Class<T> type, T real, Hook hook) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                hook.handle(new Call(proxy, real, method, args == null ? new Object[0] : args))));
  }

  /**
   * A {@code type} with nothing behind it: the hook answers every call, and {@link Call#proceed}
   * throws {@code UnsupportedOperationException}.
   */
  public static <T> T stub(Class<T> type, Hook hook) {
    return on(type, null, hook);
  }

  /** One call of a spy's method. */
  public static final class Call {
    private final Object spy;
    private final Object real;
    private final Method method;
    private final Object[] args;

    private Call(Object spy, Object real, Method method, Object[] args) {
      this.spy = spy;
      this.real = real;
      this.method = method;
      this.args = args;
    }

    public Method method() {
      return method;
    }

    /** Whether the method called is {@code name} (any of its overloads). */
    public boolean is(String name) {
      return method.getName().equals(name);
    }

    /** The arguments, none for a method without. */
    public Object[] args() {
      return args;
    }

    /** The first argument (a request, or a builder overload's consumer); null if none. */
    public Object first() {
      return args.length == 0 ? null : args[0];
    }

    /**
     * The call's request, a {@code type}: the first argument, or the request a builder overload's
     * consumer builds (the consumer run on a builder of the hook's own; nothing is called).
     */
    @SuppressWarnings("unchecked")
    public <R extends SdkRequest> R request(Class<R> type) throws ReflectiveOperationException {
      if (type.isInstance(first())) {
        return type.cast(first());
      }
      var builder = (SdkBuilder<?, ?>) type.getMethod("builder").invoke(null);
      ((Consumer<Object>) first()).accept(builder);
      return type.cast(builder.build());
    }

    /**
     * Makes the call on the real client and answers as it does: what it returns, or what it throws
     * (the SDK's own exception, not a reflection wrapper).
     */
    public Object proceed() throws Throwable {
      if (real == null) {
        throw new UnsupportedOperationException(method.getName());
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /**
     * Runs the interface's default body of the method on the spy: a builder overload builds its
     * request and calls the spy's request overload, a paginator reads its pages from the spy, each
     * a call the hook sees.
     */
    public Object throughSpy() throws Throwable {
      return InvocationHandler.invokeDefault(spy, method, args);
    }
  }
}
