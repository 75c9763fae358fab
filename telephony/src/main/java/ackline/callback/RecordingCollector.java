package ackline.callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.Sha256;
import ackline.evidence.StoredEvidence;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands each ended call's recording (the file MixMonitor wrote in the monitor spool) to the evidence store with the
 * call's links, in the transaction that marks the call STORED; the spool file is deleted only after that commit and
 * after the stored copy re-read with the same SHA-256. A recording that does not appear within the grace period
 * raises {@code RecordingMissing}. Works on every node; rows are claimed with SKIP LOCKED.
 */
class RecordingCollector {

	private static final Logger log = LoggerFactory.getLogger(RecordingCollector.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final EvidenceStore evidence;

	private final Path spool;

	private final CallbackSettings settings;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final MeterRegistry meters;

	RecordingCollector(JdbcClient jdbc, TransactionTemplate tx, EvidenceStore evidence, Path spool,
			CallbackSettings settings, ApplicationEventPublisher events, Clock clock, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.evidence = evidence;
		this.spool = spool;
		this.settings = settings;
		this.events = events;
		this.clock = clock;
		this.meters = meters;
	}

	/** Collects what is ready; returns how many recordings were stored. */
	int collect() {
		int stored = 0;
		long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < until) {
			List<Path> toDelete = new ArrayList<>();
			Integer n = tx.execute(status -> {
				Instant now = clock.instant();
				List<Map<String, Object>> calls = jdbc.sql("""
						select * from call where recording_state = 'PENDING' and state = 'ENDED'
						order by ended_at limit 10 for update skip locked""")
					.query()
					.listOfRows();
				int done = 0;
				for (Map<String, Object> call : calls) {
					if (collect(call, now, toDelete)) {
						done++;
					}
				}
				return calls.isEmpty() ? -1 : done;
			});
			for (Path file : toDelete) {
				try {
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					log.warn("Stored recording {} could not be removed from the spool: {}", file, ex.toString());
				}
			}
			if (n == null || n <= 0) {
				break;
			}
			stored += n;
		}
		return stored;
	}



	private boolean collect(Map<String, Object> call, Instant now, List<Path> toDelete) {
		UUID callId = (UUID) call.get("id");
		Path file = spool.resolve((String) call.get("recording_file")).normalize();
		Instant ended = ((Timestamp) call.get("ended_at")).toInstant();
		boolean stopped = call.get("recording_stopped") != null;
		if (!Files.isRegularFile(file)) {
			if (ended.plus(settings.recordingGrace()).isBefore(now)) {
				jdbc.sql("update call set recording_state = 'MISSING', updated_at = ? where id = ?")
					.params(Timestamp.from(now), callId)
					.update();
				log.error("Recording of call {} is missing: {} never appeared in the spool", callId, file);
				meters.counter("ackline.recordings.missing").increment();
				events.publishEvent(new CallbackEvents.RecordingMissing(callId, (UUID) call.get("task_id"),
						(UUID) call.get("notice_id"), file.toString(), now));
			}
			return false;
		}
		// MixMonitor writes the file until it stops; without its stop event, wait a little after the hang-up
		if (!stopped && ended.plusSeconds(5).isAfter(now)) {
			return false;
		}
		EvidenceLinks links = new EvidenceLinks((String) call.get("client_id"), (UUID) call.get("notice_id"),
				(UUID) call.get("task_id"), callId, (String) call.get("agent_id"));
		// streamed: a store that can upload from the file (multipart to S3) never holds the recording in memory
		String local = Sha256.hex(file);
		StoredEvidence stored = evidence.storeFile(EvidenceKind.CALL_RECORDING, "audio/wav", file, links);
		long size;
		try {
			size = Files.size(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read recording " + file, ex);
		}
		// verified: what the store computed, and what it gives back, are the spool file's bytes
		String reread;
		try (InputStream in = evidence.openRange(stored.id(), 0, size)) {
			reread = Sha256.hex(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read back the stored recording of call " + callId, ex);
		}
		if (!local.equals(stored.sha256()) || !local.equals(reread)) {
			throw new IllegalStateException("recording of call " + callId + " reads back different from the spool file");
		}
		long bodyLength = size;
		jdbc.sql("""
				update call set recording_state = 'STORED', recording_evidence = ?, recording_sha256 = ?,
				    recording_bytes = ?, updated_at = ? where id = ?""")
			.params(stored.id(), stored.sha256(), bodyLength, Timestamp.from(now), callId)
			.update();
		events.publishEvent(new CallbackEvents.CallRecorded(callId, (UUID) call.get("task_id"),
				(UUID) call.get("notice_id"), stored.id(), stored.sha256(), bodyLength, now));
		meters.counter("ackline.recordings.stored").increment();
		toDelete.add(file);
		return true;
	}

}
