package ackline.callback;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class HolidayCalendarTests {

	@TempDir
	Path dir;

	@Test
	void anUpdatedFileIsPickedUpWithoutARestartAndABrokenOneIsIgnored() throws Exception {
		Path file = dir.resolve("holidays.csv");
		Files.writeString(file, "# test\n2027-02-08,HOLIDAY,春节\n", StandardCharsets.UTF_8);
		AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
		Clock clock = new Clock() {
			@Override
			public ZoneOffset getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return now.get();
			}
		};
		HolidayCalendar calendar = new HolidayCalendar(file, clock);
		assertThat(calendar.get().isBusinessDay(LocalDate.of(2027, 2, 8))).isFalse();
		assertThat(calendar.get().isBusinessDay(LocalDate.of(2027, 2, 9))).isTrue();

		Files.writeString(file, "2027-02-08,HOLIDAY,春节\n2027-02-09,HOLIDAY,春节\n", StandardCharsets.UTF_8);
		Files.setLastModifiedTime(file, FileTime.from(now.get().plusSeconds(5)));
		now.set(now.get().plus(Duration.ofMinutes(2)));
		assertThat(calendar.get().isBusinessDay(LocalDate.of(2027, 2, 9))).isFalse();

		Files.writeString(file, "this is not a calendar", StandardCharsets.UTF_8);
		Files.setLastModifiedTime(file, FileTime.from(now.get().plusSeconds(5)));
		now.set(now.get().plus(Duration.ofMinutes(2)));
		assertThat(calendar.get().isBusinessDay(LocalDate.of(2027, 2, 9))).as("kept the last good calendar").isFalse();
	}

}
