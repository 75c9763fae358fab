package ackline.callback;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import ackline.calendar.BusinessCalendar;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallingWindowsTests {

	private final CallingWindows windows = new CallingWindows(CallbackSettings.defaults(), BusinessCalendar::bundled);

	private static Instant shanghai(String localDateTime) {
		return LocalDateTime.parse(localDateTime).atZone(CallingWindows.ZONE).toInstant();
	}

	@Test
	void newAccountIsDueFiveBusinessDaysAfterOpeningAtTheEndOfTheWindow() {
		// Friday 2026-11-20 + 5 business days = Friday 2026-11-27
		Instant due = windows.defaultDue(CallbackType.NEW_ACCOUNT, LocalDate.of(2026, 11, 20));
		assertThat(due.atZone(CallingWindows.ZONE)).isEqualTo(ZonedDateTime.of(2026, 11, 27, 20, 0, 0, 0, CallingWindows.ZONE));
	}

	@Test
	void dueDateSkipsTheNationalDayHolidayAndCountsTheMakeUpWorkday() {
		// the National Day holiday of 2026 as cn-holidays.csv lists it
		Instant due = windows.defaultDue(CallbackType.NEW_ACCOUNT, LocalDate.of(2026, 9, 30));
		BusinessCalendar cal = BusinessCalendar.bundled();
		LocalDate expected = cal.plusBusinessDays(LocalDate.of(2026, 9, 30), 5);
		assertThat(due.atZone(CallingWindows.ZONE).toLocalDate()).isEqualTo(expected).isAfter(LocalDate.of(2026, 10, 7));
	}

	@Test
	void officeWindowIsOpenOnBusinessDaysFromNineToEight() {
		assertThat(windows.isOpen(CallbackType.NEW_ACCOUNT, shanghai("2026-11-23T08:59:59"))).isFalse();
		assertThat(windows.isOpen(CallbackType.NEW_ACCOUNT, shanghai("2026-11-23T09:00:00"))).isTrue();
		assertThat(windows.isOpen(CallbackType.NEW_ACCOUNT, shanghai("2026-11-23T19:59:59"))).isTrue();
		assertThat(windows.isOpen(CallbackType.NEW_ACCOUNT, shanghai("2026-11-23T20:00:00"))).isFalse();
		// Saturday
		assertThat(windows.isOpen(CallbackType.NEW_ACCOUNT, shanghai("2026-11-21T10:00:00"))).isFalse();
	}

	@Test
	void nextOpeningAfterHoursIsNextBusinessMorning() {
		Instant friday = shanghai("2026-11-20T20:30:00");
		assertThat(windows.nextOpening(CallbackType.COMPLAINT_FOLLOWUP, friday)).isEqualTo(shanghai("2026-11-23T09:00:00"));
		Instant inside = shanghai("2026-11-23T10:15:00");
		assertThat(windows.nextOpening(CallbackType.COMPLAINT_FOLLOWUP, inside)).isEqualTo(inside);
	}

	@Test
	void marginFollowUpsUseTradingDaysSoAMakeUpSaturdayIsClosed() {
		BusinessCalendar cal = BusinessCalendar.bundled();
		LocalDate makeUp = null;
		for (LocalDate d = LocalDate.of(2026, 1, 1); d.getYear() == 2026; d = d.plusDays(1)) {
			if (cal.isBusinessDay(d) && !cal.isTradingDay(d)) {
				makeUp = d;
				break;
			}
		}
		assertThat(makeUp).as("the bundled 2026 calendar has make-up workdays").isNotNull();
		Instant morning = makeUp.atTime(10, 0).atZone(CallingWindows.ZONE).toInstant();
		assertThat(windows.isOpen(CallbackType.NEW_ACCOUNT, morning)).isTrue();
		assertThat(windows.isOpen(CallbackType.MARGIN_CALL_FOLLOWUP, morning)).isFalse();
	}

	@Test
	void configuredWindowsReplaceTheDefaultForThatTypeOnly() {
		CallbackSettings.TypePolicy lunch = new CallbackSettings.TypePolicy(List.of("09:30-11:30", "13:00-15:00"), null,
				null, null, null, null, null);
		CallbackSettings settings = new CallbackSettings(Map.of(CallbackType.MARGIN_CALL_FOLLOWUP, lunch), null, null,
				null, null, null, null, null, null, false, null);
		CallingWindows configured = new CallingWindows(settings, BusinessCalendar::bundled);
		assertThat(configured.isOpen(CallbackType.MARGIN_CALL_FOLLOWUP, shanghai("2026-11-23T12:00:00"))).isFalse();
		assertThat(configured.isOpen(CallbackType.MARGIN_CALL_FOLLOWUP, shanghai("2026-11-23T13:30:00"))).isTrue();
		assertThat(configured.nextOpening(CallbackType.MARGIN_CALL_FOLLOWUP, shanghai("2026-11-23T12:00:00")))
			.isEqualTo(shanghai("2026-11-23T13:00:00"));
		assertThat(configured.isOpen(CallbackType.NEW_ACCOUNT, shanghai("2026-11-23T12:00:00"))).isTrue();
		assertThat(settings.policy(CallbackType.MARGIN_CALL_FOLLOWUP).maxAttempts()).isEqualTo(5);
	}

}
