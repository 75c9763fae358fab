package ackline.evidence.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ackline.audit.AuditEntry;
import ackline.audit.AuditLog;
import ackline.audit.AuditQuery;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.StoredEvidence;
import ackline.id.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Export bundles: the evidence of one client, notice or call-back task as a zip with each object
 * ({@code objects/<id>.<ext>}), a {@code manifest.json} (each object's kind, SHA-256, size, retention, hold, links),
 * a {@code custody.json} (each object's audit entries with their chain hashes) and {@code SHA256SUMS} over all of
 * them, so that {@code sha256sum -c SHA256SUMS} verifies the unzipped bundle with standard tools. A request is
 * recorded (QUEUED) and built in the background (RUNNING, with progress) into a file on this node's disk, then kept in
 * {@link BundleStorage} (the exports bucket when object storage is configured) until it expires after
 * {@code keep-for} (EXPIRED; the row stays); asking for it, finishing, downloading and expiring it are audited.
 */
public class EvidenceExports {

	private static final Logger log = LoggerFactory.getLogger(EvidenceExports.class);

	static final String OBJECT_TYPE = "evidence-export";

	/** Progress is written to the table every this many objects. */
	private static final int PROGRESS_EVERY = 20;

	private final EvidenceStore store;

	private final AuditLog audit;

	private final JdbcClient jdbc;

	private final ExportSettings settings;

	private final BundleStorage storage;

	private final java.time.Duration keepFor;

	private final Clock clock;

	private final ExecutorService workers;

	private final org.springframework.context.ApplicationEventPublisher events;

	EvidenceExports(EvidenceStore store, AuditLog audit, JdbcClient jdbc, ExportSettings settings,
			BundleStorage storage, java.time.Duration keepFor, org.springframework.context.ApplicationEventPublisher events,
			Clock clock) {
		this.events = events;
		this.storage = storage;
		this.keepFor = keepFor;
		this.store = store;
		this.audit = audit;
		this.jdbc = jdbc;
		this.settings = settings;
		this.clock = clock;
		AtomicInteger n = new AtomicInteger();
		this.workers = Executors.newFixedThreadPool(settings.threads(), r -> {
			Thread t = new Thread(r, "ackline-evidence-export-" + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
	}

	/** Records the request (audited) and queues it; the bundle is built in the background. */
	public EvidenceExport request(ExportRequest request, String by) {
		request.validated();
		UUID id = Ids.newId(clock);
		Instant now = clock.instant();
		jdbc.sql("""
				insert into evidence_export (id, state, client_id, notice_id, task_id, requested_by, created_at)
				values (?, 'QUEUED', ?, ?, ?, ?, ?)""")
			.params(id, request.clientId(), request.noticeId(), request.taskId(), by, Timestamp.from(now))
			.update();
		audit.append(by, "EXPORT_REQUESTED", OBJECT_TYPE, id.toString(), asked(request));
		// the answer is the request as recorded (QUEUED), whatever the builder has done by the time it is sent
		EvidenceExport queued = find(id).orElseThrow();
		changed(queued);
		workers.execute(() -> build(id));
		return queued;
	}

	/** The exports {@code by} asked for, newest first. */
	public List<EvidenceExport> requestedBy(String by, int limit) {
		return jdbc.sql("select * from evidence_export where requested_by = ? order by created_at desc limit ?")
			.params(by, limit)
			.query(EvidenceExports::export)
			.list();
	}

	private void changed(UUID id) {
		find(id).ifPresent(this::changed);
	}

	private void changed(EvidenceExport export) {
		events.publishEvent(new ExportChanged(export.id(), export.requestedBy(), export.state(), clock.instant()));
	}

	public Optional<EvidenceExport> find(UUID id) {
		return jdbc.sql("select * from evidence_export where id = ?").param(id).query(EvidenceExports::export).optional();
	}

	/**
	 * Builds again the exports whose builder went silent for {@code silentFor} (queued or running on a node that died
	 * or was restarted); each is claimed by one node (SKIP LOCKED). Returns how many were resumed.
	 */
	public int resumeInterrupted(java.time.Duration silentFor) {
		Instant now = clock.instant();
		List<UUID> claimed = jdbc.sql("""
				update evidence_export set state = 'QUEUED', heartbeat_at = ?
				where id in (select id from evidence_export
				             where state in ('QUEUED', 'RUNNING') and coalesce(heartbeat_at, created_at) < ?
				             order by created_at limit 10 for update skip locked)
				returning id""")
			.params(Timestamp.from(now), Timestamp.from(now.minus(silentFor)))
			.query(UUID.class)
			.list();
		for (UUID id : claimed) {
			audit.append("system", "EXPORT_RESUMED", OBJECT_TYPE, id.toString(), Map.of("silentFor", silentFor.toString()));
			workers.execute(() -> build(id));
		}
		return claimed.size();
	}

	/**
	 * The finished bundle, to stream to {@code by} from wherever it is kept (any node serves it when it is in object
	 * storage); the download is audited. An expired one is gone ({@link ExportExpired}).
	 */
	public Bundle download(UUID id, String by) {
		EvidenceExport export = find(id).orElseThrow(() -> new ExportNotFound(id));
		if (export.state() == ExportState.EXPIRED) {
			Instant expiredAt = jdbc.sql("select expired_at from evidence_export where id = ?").param(id)
				.query(Timestamp.class)
				.single()
				.toInstant();
			throw new ExportExpired(id, expiredAt, keepFor);
		}
		if (export.state() != ExportState.DONE) {
			throw new ExportNotReady(id, export.state());
		}
		BundleStorage.Location location = jdbc
			.sql("select bundle_location, bundle_version from evidence_export where id = ?")
			.param(id)
			.query((rs, n) -> rs.getString("bundle_location") == null ? null
					: new BundleStorage.Location(rs.getString("bundle_location"), rs.getString("bundle_version")))
			.optional()
			.orElseThrow(() -> new ExportNotReady(id, ExportState.FAILED));
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("bundleSha256", export.bundleSha256());
		detail.put("bytes", export.bundleBytes());
		audit.append(by, "EXPORT_DOWNLOADED", OBJECT_TYPE, id.toString(), detail);
		return new Bundle(() -> storage.open(location), "evidence-" + id + ".zip", export.bundleBytes(),
				export.bundleSha256());
	}

	/** Opens a kept bundle's bytes. */
	@FunctionalInterface
	public interface BundleSource {

		java.io.InputStream open() throws IOException;

	}

	/** A kept bundle, with the name to offer it under. */
	public record Bundle(BundleSource source, String fileName, long bytes, String sha256) {
	}

	/** Deletes the bundles finished more than {@code keep-for} ago (see {@link #expireOlderThan}). */
	public int expireBundles() {
		return expireOlderThan(keepFor);
	}

	/**
	 * Turns the exports finished more than {@code age} ago EXPIRED (audited EXPORT_EXPIRED; the row stays) and deletes
	 * their bundles, and the bundles of expired exports whose delete failed before. Each export expires on one node
	 * (SKIP LOCKED); a delete is harmless twice. Returns how many exports expired now.
	 */
	public int expireOlderThan(java.time.Duration age) {
		Instant now = clock.instant();
		List<UUID> expired = jdbc.sql("""
				update evidence_export set state = 'EXPIRED', expired_at = ?
				where id in (select id from evidence_export where state = 'DONE' and finished_at < ?
				             order by finished_at limit 100 for update skip locked)
				returning id""")
			.params(Timestamp.from(now), Timestamp.from(now.minus(age)))
			.query(UUID.class)
			.list();
		for (UUID id : expired) {
			EvidenceExport export = find(id).orElseThrow();
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("keptFor", age.toString());
			detail.put("finishedAt", export.finishedAt() == null ? null : export.finishedAt().toString());
			detail.put("bundleSha256", export.bundleSha256());
			audit.append("system", "EXPORT_EXPIRED", OBJECT_TYPE, id.toString(), detail);
			find(id).ifPresent(this::changed);
		}
		List<Map<String, Object>> toDelete = jdbc.sql("""
				select id, bundle_location, bundle_version from evidence_export
				where state = 'EXPIRED' and bundle_location is not null order by expired_at limit 200""")
			.query()
			.listOfRows();
		for (Map<String, Object> row : toDelete) {
			UUID id = (UUID) row.get("id");
			BundleStorage.Location location = new BundleStorage.Location((String) row.get("bundle_location"),
					(String) row.get("bundle_version"));
			try {
				storage.delete(location);
				jdbc.sql("update evidence_export set bundle_location = null, bundle_version = null, file_path = null where id = ?")
					.param(id)
					.update();
				log.info("Export {}: bundle {} deleted after {}", id, location.where(), age);
			}
			catch (IOException | RuntimeException ex) {
				// no longer served either way; the delete is tried again next time
				log.error("Export {}: its expired bundle {} could not be deleted from {} ({}); a bucket with default "
						+ "Object Lock retention keeps it: use ackline.s3.exports-bucket without Object Lock", id,
						location.where(), storage.describe(), ex.getMessage());
			}
		}
		return expired.size();
	}

	private void build(UUID id) {
		Path part = settings.directory().resolve(id + ".zip.part");
		// one builder per export: whoever moves it from QUEUED to RUNNING builds it
		int claimed = jdbc.sql("update evidence_export set state = 'RUNNING', heartbeat_at = ? where id = ? and state = 'QUEUED'")
			.params(Timestamp.from(clock.instant()), id)
			.update();
		if (claimed == 0) {
			return;
		}
		try {
			EvidenceExport export = find(id).orElseThrow();
			List<StoredEvidence> objects = store.linkedTo(
					new EvidenceLinks(export.clientId(), export.noticeId(), export.taskId(), null, null));
			jdbc.sql("update evidence_export set state = 'RUNNING', started_at = ?, heartbeat_at = ?, total = ?, done = 0 where id = ?")
				.params(Timestamp.from(clock.instant()), Timestamp.from(clock.instant()), objects.size(), id)
				.update();
			changed(id);
			Files.createDirectories(settings.directory());
			long now = clock.millis();
			String sha256;
			long bytes;
			try (BundleWriter bundle = new BundleWriter(part)) {
				List<Map<String, Object>> manifestObjects = new ArrayList<>();
				Map<String, Object> custody = new LinkedHashMap<>();
				int done = 0;
				for (StoredEvidence e : objects) {
					String name = "objects/" + e.id() + "." + BundleWriter.extension(e.contentType());
					// read() re-hashes the body against its recorded SHA-256: a tampered object fails the export
					String written = bundle.add(name, store.read(e.id()), e.storedAt().toEpochMilli());
					if (!written.equals(e.sha256())) {
						throw new IllegalStateException("evidence " + e.id() + " changed while it was exported");
					}
					manifestObjects.add(manifestEntry(e, name));
					custody.put(e.id().toString(), audit.find(AuditQuery.forObject(e.id().toString())).stream()
						.map(EvidenceExports::custodyEntry)
						.toList());
					if (++done % PROGRESS_EVERY == 0) {
						jdbc.sql("update evidence_export set done = ?, heartbeat_at = ? where id = ?")
							.params(done, Timestamp.from(clock.instant()), id)
							.update();
						changed(id);
					}
				}
				bundle.addJson("manifest.json", manifest(export, manifestObjects), now);
				Map<String, Object> custodyFile = new LinkedHashMap<>();
				custodyFile.put("bundle", id);
				custodyFile.put("about", "each object's entries in Ackline's hash-chained access audit (GET /api/v1/audit/verify re-computes the chain)");
				custodyFile.put("export", audit.find(AuditQuery.forObject(id.toString())).stream()
					.map(EvidenceExports::custodyEntry)
					.toList());
				custodyFile.put("objects", custody);
				bundle.addJson("custody.json", custodyFile, now);
				sha256 = bundle.finish(now);
				bytes = bundle.bytes();
			}
			BundleStorage.Location location = storage.put(id, part, bytes, sha256);
			Files.deleteIfExists(part);
			jdbc.sql("""
					update evidence_export set state = 'DONE', done = total, finished_at = ?, bundle_location = ?,
					       bundle_version = ?, bundle_bytes = ?, bundle_sha256 = ? where id = ?""")
				.params(Timestamp.from(clock.instant()), location.where(), location.version(), bytes, sha256, id)
				.update();
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("bundleSha256", sha256);
			detail.put("bytes", bytes);
			detail.put("objects", objects.size());
			audit.append("system", "EXPORT_DONE", OBJECT_TYPE, id.toString(), detail);
			changed(id);
			log.info("Evidence export {} done: {} objects, {} bytes, sha256 {}", id, objects.size(), bytes, sha256);
		}
		catch (Exception ex) {
			log.error("Evidence export {} failed", id, ex);
			try {
				Files.deleteIfExists(part);
			}
			catch (IOException ignored) {
				// the part file is never served; a later cleanup may remove it
			}
			String reason = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			jdbc.sql("update evidence_export set state = 'FAILED', finished_at = ?, error = ? where id = ?")
				.params(Timestamp.from(clock.instant()), reason, id)
				.update();
			audit.append("system", "EXPORT_FAILED", OBJECT_TYPE, id.toString(), Map.of("error", reason));
			changed(id);
		}
	}

	private Map<String, Object> manifest(EvidenceExport export, List<Map<String, Object>> objects) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("bundle", export.id());
		m.put("format", "ackline-evidence-bundle/1");
		m.put("requested", asked(new ExportRequest(export.clientId(), export.noticeId(), export.taskId())));
		m.put("requestedBy", export.requestedBy());
		m.put("requestedAt", export.createdAt().toString());
		m.put("createdAt", clock.instant().toString());
		m.put("objectCount", objects.size());
		m.put("verify", "unzip the bundle, then in its directory: sha256sum -c SHA256SUMS (macOS: shasum -a 256 -c SHA256SUMS)");
		m.put("objects", objects);
		return m;
	}

	private static Map<String, Object> manifestEntry(StoredEvidence e, String file) {
		Map<String, Object> o = new LinkedHashMap<>();
		o.put("id", e.id());
		o.put("file", file);
		o.put("kind", e.kind().name());
		o.put("contentType", e.contentType());
		o.put("size", e.size());
		o.put("sha256", e.sha256());
		o.put("storedAt", e.storedAt().toString());
		o.put("retainUntil", e.retainUntil() == null ? null : e.retainUntil().toString());
		o.put("legalHold", e.legalHold());
		Map<String, Object> links = new LinkedHashMap<>();
		links.put("clientId", e.links().clientId());
		links.put("noticeId", e.links().noticeId());
		links.put("taskId", e.links().taskId());
		links.put("callId", e.links().callId());
		links.put("agentId", e.links().agentId());
		o.put("links", links);
		return o;
	}

	private static Map<String, Object> custodyEntry(AuditEntry a) {
		Map<String, Object> c = new LinkedHashMap<>();
		c.put("seq", a.seq());
		c.put("at", a.at().toString());
		c.put("actor", a.actor());
		c.put("action", a.action());
		c.put("objectType", a.objectType());
		c.put("objectId", a.objectId());
		c.put("detail", a.detail());
		c.put("prevHash", a.prevHash());
		c.put("hash", a.hash());
		return c;
	}

	private static Map<String, Object> asked(ExportRequest request) {
		Map<String, Object> asked = new LinkedHashMap<>();
		if (request.clientId() != null) {
			asked.put("clientId", request.clientId());
		}
		if (request.noticeId() != null) {
			asked.put("noticeId", request.noticeId().toString());
		}
		if (request.taskId() != null) {
			asked.put("taskId", request.taskId().toString());
		}
		return asked;
	}

	void stop() {
		// an export cut short stays RUNNING in the table with its part file; asking again builds a new one
		workers.shutdownNow();
		try {
			workers.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static EvidenceExport export(ResultSet rs, int row) throws SQLException {
		return new EvidenceExport(rs.getObject("id", UUID.class), ExportState.valueOf(rs.getString("state")),
				rs.getString("client_id"), rs.getObject("notice_id", UUID.class), rs.getObject("task_id", UUID.class),
				rs.getString("requested_by"), instant(rs, "created_at"), instant(rs, "started_at"),
				instant(rs, "finished_at"), (Integer) rs.getObject("total"), rs.getInt("done"),
				(Long) rs.getObject("bundle_bytes"), rs.getString("bundle_sha256"), rs.getString("error"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp t = rs.getTimestamp(column);
		return t == null ? null : t.toInstant();
	}

}
