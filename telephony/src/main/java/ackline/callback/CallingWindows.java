package ackline.callback;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import ackline.calendar.BusinessCalendar;

/** When each type of call-back may be called: windows in Asia/Shanghai on business or trading days. */
final class CallingWindows {

	static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

	private final CallbackSettings settings;

	private final Supplier<BusinessCalendar> calendar;

	CallingWindows(CallbackSettings settings, Supplier<BusinessCalendar> calendar) {
		this.settings = settings;
		this.calendar = calendar;
	}

	/** Whether a call of this type may be made at that instant. */
	boolean isOpen(CallbackType type, Instant at) {
		if (settings.anyTime()) {
			return true;
		}
		ZonedDateTime local = at.atZone(ZONE);
		if (!counts(type, local.toLocalDate())) {
			return false;
		}
		LocalTime time = local.toLocalTime();
		for (LocalTime[] w : settings.policy(type).parsedWindows()) {
			if (!time.isBefore(w[0]) && time.isBefore(w[1])) {
				return true;
			}
		}
		return false;
	}

	/** The types whose windows are open at that instant. */
	List<CallbackType> openTypes(Instant at) {
		List<CallbackType> open = new ArrayList<>();
		for (CallbackType type : CallbackType.values()) {
			if (isOpen(type, at)) {
				open.add(type);
			}
		}
		return open;
	}

	/** The first instant at or after {@code from} inside one of the type's windows (within a year). */
	Instant nextOpening(CallbackType type, Instant from) {
		if (isOpen(type, from)) {
			return from;
		}
		ZonedDateTime local = from.atZone(ZONE);
		LocalDate day = local.toLocalDate();
		for (int i = 0; i < 400; i++, day = day.plusDays(1)) {
			if (!counts(type, day)) {
				continue;
			}
			for (LocalTime[] w : settings.policy(type).parsedWindows()) {
				Instant start = LocalDateTime.of(day, w[0]).atZone(ZONE).toInstant();
				Instant end = LocalDateTime.of(day, w[1]).atZone(ZONE).toInstant();
				if (end.isAfter(from)) {
					return start.isAfter(from) ? start : from;
				}
			}
		}
		return from;
	}

	/**
	 * The default due time: {@code dueDays} business (or trading) days after {@code from}, at the end of that day's
	 * last calling window.
	 */
	Instant defaultDue(CallbackType type, LocalDate from) {
		CallbackSettings.TypePolicy policy = settings.policy(type);
		BusinessCalendar cal = calendar.get();
		LocalDate day = switch (policy.days()) {
			case TRADING -> cal.plusTradingDays(from, policy.dueDays());
			case BUSINESS -> cal.plusBusinessDays(from, policy.dueDays());
			case EVERY -> from.plusDays(policy.dueDays());
		};
		List<LocalTime[]> windows = policy.parsedWindows();
		LocalTime end = windows.get(windows.size() - 1)[1];
		return LocalDateTime.of(day, end).atZone(ZONE).toInstant();
	}

	/** Whether the calendar in force covers the year (the bundled file knows the years the State Council announced). */
	boolean covers(int year) {
		return calendar.get().covers(year);
	}

	private boolean counts(CallbackType type, LocalDate day) {
		BusinessCalendar cal = calendar.get();
		return switch (settings.policy(type).days()) {
			case BUSINESS -> cal.isBusinessDay(day);
			case TRADING -> cal.isTradingDay(day);
			case EVERY -> true;
		};
	}

}
