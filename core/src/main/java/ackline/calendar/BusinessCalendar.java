package ackline.calendar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Business days and trading days in mainland China, from a holiday file (the State Council's yearly notice).
 *
 * <p>A <em>business day</em> is a weekday that is not a public holiday, or a weekend day declared a make-up
 * workday (调休上班): call-back deadlines count these (R-CB-3). A <em>trading day</em> is a weekday that is not
 * a public holiday; make-up weekend days are not trading days, because the exchanges stay closed
 * (R-MARGIN-3): margin-call deadlines count these. Years the file does not cover are reported by
 * {@link #covers(int)}, so callers can warn rather than silently count every weekday.
 */
public final class BusinessCalendar {

	private static final String BUNDLED = "/ackline/calendar/cn-holidays.csv";

	private final Map<LocalDate, String> holidays;

	private final Map<LocalDate, String> workdays;

	private final Set<Integer> years;

	private BusinessCalendar(Map<LocalDate, String> holidays, Map<LocalDate, String> workdays) {
		this.holidays = Collections.unmodifiableMap(holidays);
		this.workdays = Collections.unmodifiableMap(workdays);
		Set<Integer> covered = new TreeSet<>();
		holidays.keySet().forEach(d -> covered.add(d.getYear()));
		this.years = Collections.unmodifiableSet(covered);
	}

	/** The calendar shipped with Ackline. */
	public static BusinessCalendar bundled() {
		try (InputStream in = BusinessCalendar.class.getResourceAsStream(BUNDLED)) {
			if (in == null) {
				throw new IllegalStateException("holiday file " + BUNDLED + " is missing from the release");
			}
			return read(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads {@code date,kind,name} lines (UTF-8; {@code #} comments and blank lines ignored; kind HOLIDAY or
	 * WORKDAY). A malformed line is refused with its number, so a bad update never half-applies.
	 */
	public static BusinessCalendar read(InputStream in) throws IOException {
		Map<LocalDate, String> holidays = new TreeMap<>();
		Map<LocalDate, String> workdays = new TreeMap<>();
		BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
		String line;
		int number = 0;
		while ((line = reader.readLine()) != null) {
			number++;
			String text = line.strip();
			if (text.isEmpty() || text.startsWith("#")) {
				continue;
			}
			String[] parts = text.split(",", 3);
			if (parts.length < 2) {
				throw new IllegalArgumentException("holiday file line " + number + ": expected date,kind,name: " + text);
			}
			LocalDate date;
			try {
				date = LocalDate.parse(parts[0].strip());
			}
			catch (DateTimeParseException ex) {
				throw new IllegalArgumentException("holiday file line " + number + ": '" + parts[0] + "' is not a date");
			}
			String name = parts.length > 2 ? parts[2].strip() : "";
			switch (parts[1].strip()) {
				case "HOLIDAY" -> holidays.put(date, name);
				case "WORKDAY" -> workdays.put(date, name);
				default -> throw new IllegalArgumentException(
						"holiday file line " + number + ": kind must be HOLIDAY or WORKDAY, not '" + parts[1] + "'");
			}
			if (holidays.containsKey(date) && workdays.containsKey(date)) {
				throw new IllegalArgumentException("holiday file line " + number + ": " + date + " is both a holiday and a workday");
			}
		}
		return new BusinessCalendar(holidays, workdays);
	}

	public boolean isBusinessDay(LocalDate date) {
		if (holidays.containsKey(date)) {
			return false;
		}
		return workdays.containsKey(date) || !weekend(date);
	}

	public boolean isTradingDay(LocalDate date) {
		return !weekend(date) && !holidays.containsKey(date);
	}

	/** The date {@code days} business days after {@code start} (start itself not counted). */
	public LocalDate plusBusinessDays(LocalDate start, int days) {
		LocalDate date = start;
		for (int counted = 0; counted < days;) {
			date = date.plusDays(1);
			if (isBusinessDay(date)) {
				counted++;
			}
		}
		return date;
	}

	/** The date {@code days} trading days after {@code start} (T+n; start itself not counted). */
	public LocalDate plusTradingDays(LocalDate start, int days) {
		LocalDate date = start;
		for (int counted = 0; counted < days;) {
			date = date.plusDays(1);
			if (isTradingDay(date)) {
				counted++;
			}
		}
		return date;
	}

	/** The holiday's name (春节 …), or null on a day that is not one. */
	public String holidayName(LocalDate date) {
		return holidays.get(date);
	}

	/** Whether the file lists this year's holidays; counting days in other years treats them as ordinary weeks. */
	public boolean covers(int year) {
		return years.contains(year);
	}

	private static boolean weekend(LocalDate date) {
		return date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
	}

}
