package ackline.evidence.verify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceStore;
import ackline.evidence.EvidenceTamperedException;
import ackline.evidence.ObjectLockState;
import ackline.evidence.StoredEvidence;
import ackline.id.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Re-reads stored evidence through {@link EvidenceStore#read(UUID)} (which re-hashes every body), compares its size,
 * checks that it has a retain-until and that the object store itself holds the object under that retention
 * ({@link EvidenceStore#objectLockAtStore(UUID)}: COMPLIANCE, no earlier retain-until, the legal hold), and records each run in {@code evidence_verification_run}. A run checks the
 * previous run's failures again, then up to {@code sample} objects from where the previous run stopped, wrapping
 * around at the end of the store, so a store larger than the sample is covered window by window. A mismatching or
 * unreadable object is logged as an ERROR and published as {@link EvidenceIntegrityFailed}; calls that should have a
 * recording and have none are counted in the run's details.
 */
public class EvidenceVerifier {

	private static final Logger log = LoggerFactory.getLogger(EvidenceVerifier.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int PAGE = 200;

	/** Failures kept in a run's details (the counts stay complete). */
	private static final int MAX_FAILURES = 1_000;

	private static final int MAX_LOGGED = 20;

	private final EvidenceStore store;

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	private final CallRecordings calls;

	private final VerificationSettings settings;

	private final Clock clock;

	/** The store's self-check; null: none was made (checked strictly, as if enforcing). */
	private final EvidenceProtection protection;

	/** One run at a time on a node: a scheduled run and one asked for through the API take turns. */
	private final ReentrantLock running = new ReentrantLock();

	private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "ackline-evidence-verifier");
		t.setDaemon(true);
		return t;
	});

	EvidenceVerifier(EvidenceStore store, JdbcClient jdbc, ApplicationEventPublisher events, CallRecordings calls,
			VerificationSettings settings, Clock clock) {
		this(store, jdbc, events, calls, settings, clock, null);
	}

	EvidenceVerifier(EvidenceStore store, JdbcClient jdbc, ApplicationEventPublisher events, CallRecordings calls,
			VerificationSettings settings, Clock clock, EvidenceProtection protection) {
		this.protection = protection;
		this.store = store;
		this.jdbc = jdbc;
		this.events = events;
		this.calls = calls;
		this.settings = settings;
		this.clock = clock;
	}

	/** Starts a run in the background now; returns its id (the run is listed at once, unfinished). */
	public UUID start(String startedBy) {
		UUID id = begin(startedBy);
		background.execute(() -> {
			running.lock();
			try {
				verify(id);
			}
			catch (RuntimeException ex) {
				log.error("Evidence verification run {} failed", id, ex);
			}
			finally {
				running.unlock();
			}
		});
		return id;
	}

	/** A run on this thread, as the schedule starts it; skipped when a run is in progress or another node ran one lately. */
	void scheduled() {
		if (!running.tryLock()) {
			return;
		}
		try {
			Instant recent = clock.instant().minus(settings.interval().dividedBy(2));
			long lately = jdbc.sql("select count(*) from evidence_verification_run where started_at > ?")
				.param(Timestamp.from(recent))
				.query(Long.class)
				.single();
			if (lately == 0) {
				verify(begin("scheduler"));
			}
		}
		finally {
			running.unlock();
		}
	}

	/** The last runs, newest first. */
	public List<VerificationRun> lastRuns(int limit) {
		return jdbc.sql("select * from evidence_verification_run order by started_at desc, id desc limit ?")
			.param(limit)
			.query(EvidenceVerifier::run)
			.list();
	}

	/** The newest finished run. */
	public Optional<VerificationRun> lastFinished() {
		return jdbc.sql("""
				select * from evidence_verification_run where finished_at is not null
				order by started_at desc, id desc limit 1""").query(EvidenceVerifier::run).optional();
	}

	public Optional<VerificationRun> find(UUID id) {
		return jdbc.sql("select * from evidence_verification_run where id = ?").param(id).query(EvidenceVerifier::run)
			.optional();
	}

	private UUID begin(String startedBy) {
		UUID id = Ids.newId(clock);
		jdbc.sql("insert into evidence_verification_run (id, started_at, started_by) values (?, ?, ?)")
			.params(id, Timestamp.from(clock.instant()), startedBy)
			.update();
		return id;
	}

	private void verify(UUID runId) {
		Optional<VerificationRun> previous = lastFinished();
		Tally tally = new Tally();
		// what failed last time is checked again, so a failure does not drop out of sight when the window moves on
		Set<UUID> rechecked = new HashSet<>();
		for (Object failure : previous.map(r -> (List<?>) r.details().getOrDefault("failures", List.of()))
			.orElse(List.of())) {
			UUID id = UUID.fromString(String.valueOf(((Map<?, ?>) failure).get("id")));
			if (rechecked.add(id)) {
				store.find(id).ifPresentOrElse(e -> check(e, tally), () -> {
					tally.checked++;
					tally.fail(id, null, "MISSING", "no metadata any more");
				});
			}
		}
		UUID start = jdbc.sql("""
				select last_id from evidence_verification_run where finished_at is not null
				order by started_at desc, id desc limit 1""").query(UUID.class).optional().orElse(null);
		UUID cursor = start;
		boolean wrapped = start == null;
		Set<UUID> window = new HashSet<>();
		UUID first = null;
		UUID last = null;
		int sample = settings.sample();
		walk: while (window.size() < sample) {
			List<StoredEvidence> page = store.listAfter(cursor, Math.min(PAGE, sample - window.size()));
			if (page.isEmpty()) {
				if (wrapped) {
					break;
				}
				wrapped = true;
				cursor = null;
				continue;
			}
			for (StoredEvidence e : page) {
				if (window.contains(e.id())) {
					break walk; // once round the store: back where this run started
				}
				window.add(e.id());
				if (!rechecked.contains(e.id())) {
					check(e, tally);
				}
				first = first == null ? e.id() : first;
				last = e.id();
			}
			cursor = page.get(page.size() - 1).id();
		}
		CallRecordings.Missing missingCalls = calls.missing(100);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("sample", sample);
		details.put("windowFrom", first);
		details.put("windowTo", last);
		details.put("failures", tally.failures);
		details.put("retentionCheckedAtStore", tally.retentionChecked);
		details.put("retentionNotVerifiable", tally.retentionNotVerifiable);
		if (tally.retentionNotVerifiable > 0) {
			details.put("retentionNotVerifiableReason", "the object store reports no Object Lock retention and its "
					+ "self-check found it " + (protection == null ? "unchecked" : protection.status())
					+ ": retention there cannot be verified");
		}
		details.put("callsMissingRecording", missingCalls.calls());
		details.put("callsMissingRecordingIds", missingCalls.callIds());
		jdbc.sql("""
				update evidence_verification_run set finished_at = ?, checked = ?, ok = ?, mismatches = ?, missing = ?,
				       last_id = ?, details = ?::jsonb where id = ?""")
			.params(Timestamp.from(clock.instant()), tally.checked, tally.ok, tally.mismatches, tally.missing, last,
					JSON.writeValueAsString(details), runId)
			.update();
		if (tally.mismatches + tally.missing > 0) {
			log.error("Evidence verification run {}: {} of {} objects failed ({} mismatching, {} missing)", runId,
					tally.mismatches + tally.missing, tally.checked, tally.mismatches, tally.missing);
		}
		else {
			log.info("Evidence verification run {}: {} objects verified", runId, tally.checked);
		}
		if (missingCalls.calls() > 0) {
			log.warn("Evidence verification run {}: {} call(s) have no recording although they should", runId,
					missingCalls.calls());
		}
	}

	private void check(StoredEvidence e, Tally tally) {
		tally.checked++;
		byte[] body;
		try {
			body = store.read(e.id());
		}
		catch (EvidenceTamperedException ex) {
			tally.fail(e.id(), e, "MISMATCH", ex.getMessage());
			return;
		}
		catch (RuntimeException ex) {
			tally.fail(e.id(), e, "MISSING", ex.getClass().getSimpleName() + ": " + ex.getMessage());
			return;
		}
		if (body.length != e.size()) {
			tally.fail(e.id(), e, "SIZE", "recorded " + e.size() + " bytes, read " + body.length);
		}
		else if (e.retainUntil() == null) {
			tally.fail(e.id(), e, "NO_RETENTION", "no retain-until recorded");
		}
		else if (retentionAtStoreHolds(e, tally)) {
			tally.ok++;
		}
	}

	/**
	 * Whether the object store itself keeps the object under the retention the catalogue records: COMPLIANCE mode, a
	 * retain-until no earlier than the catalogue's (S3 keeps whole seconds or milliseconds: compared to the second),
	 * and the legal hold the catalogue says is on. A store that reports no retention at all fails only when its
	 * self-check found it enforcing Object Lock; otherwise (S3Mock, self-check off) the object counts as not
	 * verifiable there, since every object would fail alike and the self-check already reports the store.
	 */
	private boolean retentionAtStoreHolds(StoredEvidence e, Tally tally) {
		Optional<ObjectLockState> found;
		try {
			found = store.objectLockAtStore(e.id());
		}
		catch (RuntimeException ex) {
			tally.fail(e.id(), e, "MISSING", "Object Lock state unreadable: " + ex.getClass().getSimpleName() + ": "
					+ ex.getMessage());
			return false;
		}
		if (found.isEmpty()) {
			return true; // no object-store retention for this body (PostgreSQL, or waiting to be uploaded)
		}
		ObjectLockState lock = found.get();
		boolean strict = protection == null || protection.status() == EvidenceProtection.Status.ENFORCING;
		tally.retentionChecked++;
		if (lock.noRetention()) {
			if (!strict) {
				tally.retentionNotVerifiable++;
				return true;
			}
			tally.fail(e.id(), e, "RETENTION_MISMATCH", "the object store reports no Object Lock retention; the "
					+ "catalogue records COMPLIANCE until " + e.retainUntil());
			return false;
		}
		if (!"COMPLIANCE".equals(lock.mode())) {
			tally.fail(e.id(), e, "RETENTION_MISMATCH", "Object Lock mode at the store is " + lock.mode()
					+ ", not COMPLIANCE (retain-until " + lock.retainUntil() + ")");
			return false;
		}
		if (lock.retainUntil() == null
				|| lock.retainUntil().isBefore(e.retainUntil().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))) {
			tally.fail(e.id(), e, "RETENTION_MISMATCH", "retain-until at the store " + lock.retainUntil()
					+ " is earlier than the catalogue's " + e.retainUntil());
			return false;
		}
		if (strict && e.legalHold() && !lock.legalHold()) {
			tally.fail(e.id(), e, "LEGAL_HOLD_MISMATCH", "the catalogue has a legal hold in force; the object store "
					+ "reports none");
			return false;
		}
		return true;
	}

	private final class Tally {

		int checked;

		int ok;

		int mismatches;

		int missing;

		int logged;

		int retentionChecked;

		int retentionNotVerifiable;

		final List<Map<String, Object>> failures = new ArrayList<>();

		void fail(UUID id, StoredEvidence e, String reason, String message) {
			if (reason.equals("MISSING")) {
				missing++;
			}
			else {
				mismatches++; // MISMATCH, SIZE, NO_RETENTION, RETENTION_MISMATCH, LEGAL_HOLD_MISMATCH
			}
			if (failures.size() < MAX_FAILURES) {
				Map<String, Object> f = new LinkedHashMap<>();
				f.put("id", id);
				f.put("kind", e == null ? null : e.kind());
				f.put("reason", reason);
				f.put("message", message);
				failures.add(f);
			}
			if (logged++ < MAX_LOGGED) {
				log.error("Evidence {} failed verification: {} ({})", id, reason, message);
			}
			events.publishEvent(new EvidenceIntegrityFailed(id, reason + ": " + message, clock.instant()));
		}

	}

	void stop() {
		// a run is cut short on shutdown; it stays unfinished in the table and the next run starts where the last
		// finished one stopped
		background.shutdownNow();
		try {
			background.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static VerificationRun run(ResultSet rs, int row) throws SQLException {
		Map<String, Object> details = JSON.readValue(rs.getString("details"), new TypeReference<Map<String, Object>>() {
		});
		Timestamp finished = rs.getTimestamp("finished_at");
		return new VerificationRun(rs.getObject("id", UUID.class), rs.getTimestamp("started_at").toInstant(),
				finished == null ? null : finished.toInstant(), rs.getString("started_by"), rs.getInt("checked"),
				rs.getInt("ok"), rs.getInt("mismatches"), rs.getInt("missing"), details);
	}

}
