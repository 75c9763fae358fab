package ackline.calendar;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusinessCalendarTests {

	private final BusinessCalendar calendar = BusinessCalendar.bundled();

	@Test
	void springFestivalIsNeitherABusinessNorATradingDay() {
		LocalDate newYearsEve = LocalDate.of(2026, 2, 16);
		assertThat(calendar.isBusinessDay(newYearsEve)).isFalse();
		assertThat(calendar.isTradingDay(newYearsEve)).isFalse();
		assertThat(calendar.holidayName(newYearsEve)).isEqualTo("春节");
	}

	@Test
	void aMakeUpSaturdayIsABusinessDayButNotATradingDay() {
		LocalDate makeUp = LocalDate.of(2026, 2, 28);
		assertThat(calendar.isBusinessDay(makeUp)).isTrue();
		assertThat(calendar.isTradingDay(makeUp)).isFalse();
	}

	@Test
	void fiveBusinessDaysAfterAnAccountOpenedBeforeNationalDayCountTheMakeUpDay() {
		// Opened Wed 2026-09-30: Oct 1-7 off, Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
		assertThat(calendar.plusBusinessDays(LocalDate.of(2026, 9, 30), 5)).isEqualTo(LocalDate.of(2026, 10, 13));
	}

	@Test
	void tradingDaysSkipTheMakeUpSaturday() {
		// A margin call on Fri 2026-10-09 due T+2: Mon 12 and Tue 13 (Sat 10 is worked but the exchanges are closed).
		assertThat(calendar.plusTradingDays(LocalDate.of(2026, 10, 9), 2)).isEqualTo(LocalDate.of(2026, 10, 13));
		assertThat(calendar.plusTradingDays(LocalDate.of(2026, 11, 20), 1)).isEqualTo(LocalDate.of(2026, 11, 23));
	}

	@Test
	void saysWhichYearsItKnows() {
		assertThat(calendar.covers(2026)).isTrue();
		assertThat(calendar.covers(2031)).isFalse();
	}

	@Test
	void aBrokenUpdateIsRefusedWithItsLineNumber() {
		String file = "# comment\n2027-01-01,HOLIDAY,元旦\n2027-13-01,HOLIDAY,?\n";
		assertThatThrownBy(() -> BusinessCalendar.read(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8))))
			.hasMessageContaining("line 3");
		String kind = "2027-01-01,DAYOFF,元旦\n";
		assertThatThrownBy(() -> BusinessCalendar.read(new ByteArrayInputStream(kind.getBytes(StandardCharsets.UTF_8))))
			.hasMessageContaining("HOLIDAY or WORKDAY");
	}

}
