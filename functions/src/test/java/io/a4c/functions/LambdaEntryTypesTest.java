package io.a4c.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every Lambda entry class, found in the compiled classes, takes and returns types the runtime can
 * inspect with what the functions' jar holds. The jar leaves Joda-Time out, so an event type with
 * Joda dates (ScheduledEvent, S3Event, ...) would fail only in Lambda, at the first invocation
 * (NoClassDefFoundError). The test looks for Joda types in the event types' methods instead of
 * waiting for that failure (where the test class path lacks Joda-Time, looking at such a type
 * throws NoClassDefFoundError, which fails the test as well).
 */
class LambdaEntryTypesTest {
  @Test
  void everyEntryClassHasEventTypesTheJarCanLoad() throws Exception {
    List<Class<?>> entries = entryClasses();
    assertThat(entries).as("entry classes found").hasSizeGreaterThanOrEqualTo(8);

    for (Class<?> entry : entries) {
      if (RequestStreamHandler.class.isAssignableFrom(entry)) {
        continue; // bytes in, bytes out
      }
      for (Type type : handlerTypeArguments(entry)) {
        Class<?> raw = (Class<?>) (type instanceof ParameterizedType p ? p.getRawType() : type);
        assertThat(jodaTypesIn(raw, new HashSet<>()))
            .as("Joda-Time in the event type of %s", entry.getSimpleName())
            .isEmpty();
      }
    }
  }

  /** Joda types in the signatures of {@code type}'s methods, and of the event types they use. */
  private static Set<String> jodaTypesIn(Class<?> type, Set<Class<?>> seen) {
    Set<String> found = new TreeSet<>();
    if (!seen.add(type)) {
      return found;
    }
    for (Method method : type.getMethods()) {
      List<Class<?>> used = new ArrayList<>(List.of(method.getParameterTypes()));
      used.add(method.getReturnType());
      for (Class<?> use : used) {
        if (use.getName().startsWith("org.joda.")) {
          found.add(type.getSimpleName() + "." + method.getName() + ": " + use.getName());
        } else if (use.getName().startsWith("com.amazonaws.services.lambda.runtime.events.")) {
          found.addAll(jodaTypesIn(use, seen));
        }
      }
    }
    return found;
  }

  private static List<Type> handlerTypeArguments(Class<?> entry) {
    for (Type type : entry.getGenericInterfaces()) {
      if (type instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
        return List.of(p.getActualTypeArguments());
      }
    }
    throw new AssertionError(entry + " implements RequestHandler without type arguments");
  }

  private static List<Class<?>> entryClasses()
      throws URISyntaxException, java.io.IOException, ClassNotFoundException {
    Path root =
        Path.of(
            FunctionsComponent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> entries = new ArrayList<>();
    try (var files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith("Function.class")).toList()) {
        String name =
            root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, LambdaEntryTypesTest.class.getClassLoader());
        boolean handler =
            RequestHandler.class.isAssignableFrom(type)
                || RequestStreamHandler.class.isAssignableFrom(type);
        if (handler && Modifier.isPublic(type.getModifiers()) && !type.isInterface()) {
          entries.add(type);
        }
      }
    }
    return entries;
  }
}
