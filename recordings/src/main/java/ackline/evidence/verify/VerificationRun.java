package ackline.evidence.verify;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One verification run: how many objects it re-read and what it found; {@code finishedAt} is null while it runs.
 * @param details {@code failures} (id, kind, reason, message of each failing object), {@code callsMissingRecording}
 * and {@code callsMissingRecordingIds}, the window walked ({@code windowFrom}, {@code windowTo}, {@code sample})
 */
public record VerificationRun(UUID id, Instant startedAt, Instant finishedAt, String startedBy, int checked, int ok,
		int mismatches, int missing, Map<String, Object> details) {

	/** Whether the run found a mismatching or missing object. */
	public boolean failed() {
		return mismatches > 0 || missing > 0;
	}

}
