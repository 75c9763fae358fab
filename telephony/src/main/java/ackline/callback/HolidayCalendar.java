package ackline.callback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import ackline.calendar.BusinessCalendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The holiday calendar in force: the file at {@code ackline.calendar.location} when one is configured (re-read when it
 * changes, checked at most once a minute, so next year's holidays need no release), otherwise the one bundled with
 * Ackline. A file that cannot be read keeps the previous calendar and says so in the log.
 */
public final class HolidayCalendar implements Supplier<BusinessCalendar> {

	private static final Logger log = LoggerFactory.getLogger(HolidayCalendar.class);

	private static final Duration CHECK_EVERY = Duration.ofMinutes(1);

	private final Path location;

	private final Clock clock;

	private volatile BusinessCalendar current;

	private volatile FileTime loadedVersion;

	private volatile Instant checkedAt = Instant.EPOCH;

	public HolidayCalendar(Path location, Clock clock) {
		this.location = location;
		this.clock = clock;
		this.current = BusinessCalendar.bundled();
		if (location != null) {
			reload();
		}
	}

	@Override
	public BusinessCalendar get() {
		if (location != null && clock.instant().isAfter(checkedAt.plus(CHECK_EVERY))) {
			reload();
		}
		return current;
	}

	private synchronized void reload() {
		checkedAt = clock.instant();
		try {
			FileTime version = Files.getLastModifiedTime(location);
			if (version.equals(loadedVersion)) {
				return;
			}
			try (InputStream in = Files.newInputStream(location)) {
				current = BusinessCalendar.read(in);
			}
			loadedVersion = version;
			log.info("Holiday calendar loaded from {}", location);
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Holiday calendar {} cannot be read ({}); keeping the one in force", location, ex.toString());
		}
	}

}
