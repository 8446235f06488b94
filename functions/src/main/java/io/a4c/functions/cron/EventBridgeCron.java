package io.a4c.functions.cron;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An EventBridge cron expression, {@code cron(Minutes Hours Day-of-month Month Day-of-week Year)},
 * in UTC, with EventBridge's rules: {@code , - * /} in every field, {@code ?} in exactly one of the
 * day fields, {@code L} and {@code W} in day-of-month, {@code L} and {@code #} in day-of-week,
 * month and day names ({@code JAN}, {@code MON}), day-of-week 1 = Sunday. Immutable and
 * thread-safe.
 */
public final class EventBridgeCron {
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final String expression;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet months;
  private final BitSet years;
  private final DayRule days;

  private EventBridgeCron(
      String expression, BitSet minutes, BitSet hours, BitSet months, BitSet years, DayRule days) {
    this.expression = expression;
    this.minutes = minutes;
    this.hours = hours;
    this.months = months;
    this.years = years;
    this.days = days;
  }

  /**
   * Parses {@code cron(...)}.
   *
   * @throws IllegalArgumentException saying which field is wrong and why
   */
  public static EventBridgeCron parse(String expression) {
    if (expression == null || !expression.startsWith("cron(") || !expression.endsWith(")")) {
      throw new IllegalArgumentException(
          "must be cron(Minutes Hours Day-of-month Month Day-of-week Year)");
    }
    String[] fields = expression.substring(5, expression.length() - 1).trim().split("\\s+");
    if (fields.length != 6) {
      throw new IllegalArgumentException(
          "must have 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), has "
              + fields.length);
    }
    boolean domAny = fields[2].equals("?");
    boolean dowAny = fields[4].equals("?");
    if (domAny == dowAny) {
      throw new IllegalArgumentException("exactly one of Day-of-month and Day-of-week must be ?");
    }
    BitSet minutes = field("Minutes", fields[0], 0, 59, List.of());
    BitSet hours = field("Hours", fields[1], 0, 23, List.of());
    BitSet months = field("Month", fields[3], 1, 12, MONTHS);
    BitSet years = field("Year", fields[5], 1970, 2199, List.of());
    DayRule days = domAny ? dayOfWeek(fields[4]) : dayOfMonth(fields[2]);
    return new EventBridgeCron(expression, minutes, hours, months, years, days);
  }

  /** The expression as written. */
  public String expression() {
    return expression;
  }

  /**
   * The latest time it fires at or before {@code at}, looking back no further than {@code
   * notBefore}.
   */
  public Optional<Instant> latestFire(Instant at, Instant notBefore) {
    LocalDateTime end = LocalDateTime.ofInstant(at, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    LocalDateTime start = LocalDateTime.ofInstant(notBefore, ZoneOffset.UTC);
    for (LocalDate day = end.toLocalDate();
        !day.isBefore(start.toLocalDate());
        day = day.minusDays(1)) {
      if (!years.get(day.getYear()) || !months.get(day.getMonthValue()) || !days.matches(day)) {
        continue;
      }
      int lastHour = day.equals(end.toLocalDate()) ? end.getHour() : 23;
      for (int h = hours.previousSetBit(lastHour); h >= 0; h = hours.previousSetBit(h - 1)) {
        int lastMinute = day.equals(end.toLocalDate()) && h == end.getHour() ? end.getMinute() : 59;
        int m = minutes.previousSetBit(lastMinute);
        if (m >= 0) {
          LocalDateTime fire = day.atTime(h, m);
          return fire.isBefore(start)
              ? Optional.empty()
              : Optional.of(fire.toInstant(ZoneOffset.UTC));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return expression;
  }

  /** Which days of a month match. */
  private interface DayRule {
    boolean matches(LocalDate day);
  }

  private static DayRule dayOfMonth(String spec) {
    if (spec.equals("L")) {
      return day -> day.getDayOfMonth() == day.lengthOfMonth();
    }
    if (spec.equals("LW")) {
      return day -> day.equals(lastWeekday(day));
    }
    if (spec.endsWith("W")) {
      int n = number("Day-of-month", spec.substring(0, spec.length() - 1), 1, 31);
      return day -> day.equals(nearestWeekday(day, n));
    }
    BitSet set = field("Day-of-month", spec, 1, 31, List.of());
    return day -> set.get(day.getDayOfMonth());
  }

  private static DayRule dayOfWeek(String spec) {
    if (spec.endsWith("L") && spec.length() > 1) {
      int dow = dayNumber(spec.substring(0, spec.length() - 1));
      return day ->
          dayNumberOf(day) == dow && day.plusWeeks(1).getMonthValue() != day.getMonthValue();
    }
    int hash = spec.indexOf('#');
    if (hash > 0) {
      int dow = dayNumber(spec.substring(0, hash));
      int nth = number("Day-of-week", spec.substring(hash + 1), 1, 5);
      return day -> dayNumberOf(day) == dow && (day.getDayOfMonth() - 1) / 7 + 1 == nth;
    }
    BitSet set = field("Day-of-week", spec, 1, 7, DAYS);
    return day -> set.get(dayNumberOf(day));
  }

  /** EventBridge's day-of-week number: 1 = Sunday … 7 = Saturday. */
  private static int dayNumberOf(LocalDate day) {
    return day.getDayOfWeek().getValue() % 7 + 1;
  }

  private static int dayNumber(String text) {
    int named = DAYS.indexOf(text.toUpperCase(Locale.ROOT));
    return named >= 0 ? named + 1 : number("Day-of-week", text, 1, 7);
  }

  private static LocalDate lastWeekday(LocalDate day) {
    LocalDate last = day.with(TemporalAdjusters.lastDayOfMonth());
    while (last.getDayOfWeek() == DayOfWeek.SATURDAY || last.getDayOfWeek() == DayOfWeek.SUNDAY) {
      last = last.minusDays(1);
    }
    return last;
  }

  /** The weekday nearest to day {@code n} of the month, never leaving the month. */
  private static LocalDate nearestWeekday(LocalDate day, int n) {
    if (n > day.lengthOfMonth()) {
      return null;
    }
    LocalDate target = day.withDayOfMonth(n);
    return switch (target.getDayOfWeek()) {
      case SATURDAY -> n == 1 ? target.plusDays(2) : target.minusDays(1);
      case SUNDAY -> n == day.lengthOfMonth() ? target.minusDays(2) : target.plusDays(1);
      default -> target;
    };
  }

  /** A field of {@code , - * /} terms over [min, max], names allowed where given. */
  private static BitSet field(String name, String spec, int min, int max, List<String> names) {
    BitSet set = new BitSet(max + 1);
    for (String term : spec.split(",", -1)) {
      int step = 1;
      String range = term;
      int slash = term.indexOf('/');
      if (slash >= 0) {
        step = number(name, term.substring(slash + 1), 1, max);
        range = term.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) {
          throw new IllegalArgumentException(name + ": " + term + " is not a range");
        }
        from = value(name, ends[0], min, max, names);
        to = value(name, ends[1], min, max, names);
        if (to < from) {
          throw new IllegalArgumentException(name + ": range " + range + " runs backwards");
        }
      } else {
        from = value(name, range, min, max, names);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int value(String name, String text, int min, int max, List<String> names) {
    int named = names.indexOf(text.toUpperCase(Locale.ROOT));
    return named >= 0 ? named + min : number(name, text, min, max);
  }

  private static int number(String name, String text, int min, int max) {
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name
            + ": "
            + (text.isEmpty()
                ? "a value is missing"
                : text + " is not from " + min + " to " + max));
  }
}
