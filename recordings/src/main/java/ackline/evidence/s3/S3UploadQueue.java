package ackline.evidence.s3;

import java.io.ByteArrayInputStream;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ackline.evidence.Sha256;
import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceRetention;
import io.github.resilience4j.core.IntervalFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves bodies kept in PostgreSQL (stored while object storage was down, or before it was configured) to the bucket:
 * one queue row at a time under {@code FOR UPDATE SKIP LOCKED}, so several nodes share the work; a failure is retried
 * with exponential back-off. The move is recorded in {@code evidence_location}; the evidence row is never changed.
 */
class S3UploadQueue implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(S3UploadQueue.class);

	private static final IntervalFunction BACKOFF = IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(5), 2.0,
			Duration.ofMinutes(30));

	private final S3Bucket bucket;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final EvidenceRetention retention;

	private final Duration poll;

	private ScheduledExecutorService worker;

	S3UploadQueue(S3Bucket bucket, JdbcClient jdbc, TransactionTemplate transactions, Clock clock,
			EvidenceRetention retention, Duration poll) {
		this.bucket = bucket;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.clock = clock;
		this.retention = retention;
		this.poll = poll;
	}

	/** Moves every body that is due; returns how many were moved. */
	int drain() {
		int moved = 0;
		Boolean more;
		while ((more = transactions.execute(status -> moveOne())) != null && more) {
			moved++;
		}
		return moved;
	}

	/** Bodies waiting for object storage. */
	long waiting() {
		return jdbc.sql("select count(*) from evidence_upload").query(Long.class).single();
	}

	private record Due(UUID id, int attempts, EvidenceKind kind, String contentType, String sha256, byte[] body,
			Instant storedAt, Instant retainUntil, boolean hold) {
	}

	/** Moves the next due body, in the caller's transaction; false when none is due or the move failed. */
	private boolean moveOne() {
		Instant now = clock.instant();
		Due due = jdbc.sql("""
				select u.evidence_id, u.attempts, e.kind, e.content_type, e.sha256, e.body, e.stored_at, e.retain_until,
				       coalesce((select h.hold from evidence_hold h where h.evidence_id = e.id order by h.seq desc limit 1),
				                false) as hold
				from evidence_upload u join evidence e on e.id = u.evidence_id
				where u.next_at <= ?
				order by u.next_at
				limit 1
				for update of u skip locked""")
			.param(Timestamp.from(now))
			.query((rs, n) -> new Due(rs.getObject("evidence_id", UUID.class), rs.getInt("attempts"),
					EvidenceKind.valueOf(rs.getString("kind")), rs.getString("content_type"), rs.getString("sha256"),
					rs.getBytes("body"), rs.getTimestamp("stored_at").toInstant(),
					rs.getTimestamp("retain_until") == null ? null : rs.getTimestamp("retain_until").toInstant(),
					rs.getBoolean("hold")))
			.optional()
			.orElse(null);
		if (due == null) {
			return false;
		}
		String actual = Sha256.hex(due.body());
		if (!actual.equals(due.sha256())) {
			// never upload a body that no longer matches: that would launder tampering into a locked object
			fail(due, now, "body does not match its SHA-256 (read " + actual + ")");
			return true;
		}
		Instant retainUntil = due.retainUntil() != null ? due.retainUntil()
				: retention.retainUntil(due.kind(), due.storedAt());
		try {
			S3Location location = bucket.put(S3EvidenceStore.key(due.kind(), due.storedAt(), due.id()),
					due.contentType(), new ByteArrayInputStream(due.body()), due.body().length, due.sha256(),
					retainUntil, due.hold());
			jdbc.sql("""
					insert into evidence_location (evidence_id, bucket, object_key, version_id, at)
					values (?, ?, ?, ?, ?)""")
				.params(due.id(), location.bucket(), location.key(), location.versionId(), Timestamp.from(now))
				.update();
			jdbc.sql("delete from evidence_upload where evidence_id = ?").param(due.id()).update();
			return true;
		}
		catch (S3StorageException ex) {
			fail(due, now, ex.getMessage());
			return false;
		}
	}

	private void fail(Due due, Instant now, String error) {
		int attempts = due.attempts() + 1;
		Instant next = now.plusMillis(BACKOFF.apply(attempts));
		log.warn("Evidence {} not yet in object storage (attempt {}, next at {}): {}", due.id(), attempts, next, error);
		jdbc.sql("update evidence_upload set attempts = ?, next_at = ?, last_error = ? where evidence_id = ?")
			.params(attempts, Timestamp.from(next), error, due.id())
			.update();
	}

	@Override
	public synchronized void start() {
		worker = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "evidence-upload");
			t.setDaemon(true);
			return t;
		});
		worker.scheduleWithFixedDelay(() -> {
			try {
				int moved = drain();
				if (moved > 0) {
					log.info("Moved {} evidence bodies from PostgreSQL to object storage", moved);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Evidence upload queue: {}", ex.toString());
			}
		}, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Lets the upload in progress finish (its row would otherwise be retried, uploading the body twice). */
	@Override
	public synchronized void stop() {
		if (worker != null) {
			worker.shutdown();
			try {
				worker.awaitTermination(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			worker = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return worker != null;
	}

}
