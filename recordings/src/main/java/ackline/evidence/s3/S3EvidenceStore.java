package ackline.evidence.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.EvidenceStore;
import ackline.evidence.EvidenceTamperedException;
import ackline.evidence.NewEvidence;
import ackline.evidence.ObjectLockState;
import ackline.evidence.Sha256;
import ackline.evidence.StoredEvidence;
import ackline.evidence.catalogue.EvidenceCatalogue;
import ackline.id.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link EvidenceStore} with bodies in an S3 bucket under Object Lock (COMPLIANCE retention per evidence kind, one new
 * key per evidence id: nothing is ever overwritten or deleted) and metadata in PostgreSQL.
 *
 * <p>The object is uploaded before the row is written in the caller's transaction: after a rollback an object without
 * a row is harmless garbage under retention, whereas a row without its object would be a lie. When object storage
 * cannot take the body, the body is kept in the row and queued ({@link S3UploadQueue}), so nothing is lost.
 */
class S3EvidenceStore implements EvidenceStore {

	private static final Logger log = LoggerFactory.getLogger(S3EvidenceStore.class);

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

	private static final String INSERT = """
			insert into evidence (id, kind, content_type, size_bytes, sha256, body, stored_at, client_id, notice_id,
			                      task_id, call_id, agent_id, retain_until, storage, bucket, object_key, version_id)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";


	/** Where a body is read from: its latest recorded copy in object storage, else the row itself. */
	static final String LOCATION = """
			select e.sha256, coalesce(l.bucket, e.bucket) as bucket, coalesce(l.object_key, e.object_key) as object_key,
			       coalesce(l.version_id, e.version_id) as version_id
			from evidence e
			left join lateral (select bucket, object_key, version_id from evidence_location
			                   where evidence_id = e.id order by seq desc limit 1) l on true
			where e.id = ?""";

	private final S3Bucket bucket;

	private final JdbcClient jdbc;

	private final EvidenceCatalogue catalogue;

	private final Clock clock;

	private final EvidenceRetention retention;

	S3EvidenceStore(S3Bucket bucket, JdbcClient jdbc, Clock clock, EvidenceRetention retention) {
		this.bucket = bucket;
		this.jdbc = jdbc;
		this.catalogue = new EvidenceCatalogue(jdbc);
		this.clock = clock;
		this.retention = retention;
	}

	/** {@code <kind>/<yyyy>/<MM>/<dd>/<evidence-id>}: a new key for every piece of evidence. */
	static String key(EvidenceKind kind, Instant storedAt, UUID id) {
		return kind.name() + "/" + DAY.format(storedAt) + "/" + id;
	}

	@Override
	public StoredEvidence store(NewEvidence evidence) {
		byte[] body = evidence.body();
		return store(evidence.kind(), evidence.contentType(), Sha256.hex(body), body.length, evidence.links(),
				() -> new ByteArrayInputStream(body), () -> body);
	}

	@Override
	public StoredEvidence storeFile(EvidenceKind kind, String contentType, Path file, EvidenceLinks links) {
		try {
			String sha256;
			try (InputStream in = new DigestInputStream(Files.newInputStream(file), Sha256.digest())) {
				in.transferTo(java.io.OutputStream.nullOutputStream());
				sha256 = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
			}
			long size = Files.size(file);
			return store(kind, contentType, sha256, size, links == null ? EvidenceLinks.none() : links,
					() -> Files.newInputStream(file), () -> Files.readAllBytes(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
	}

	private interface Source<T> {

		T open() throws IOException;

	}

	private StoredEvidence store(EvidenceKind kind, String contentType, String sha256, long size, EvidenceLinks links,
			Source<InputStream> stream, Source<byte[]> bytes) {
		UUID id = Ids.newId(clock);
		// PostgreSQL keeps microseconds: what is returned must equal what is read back
		Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
		Instant retainUntil = retention.retainUntil(kind, now);
		String key = key(kind, now, id);
		S3Location location = null;
		try (InputStream in = stream.open()) {
			location = bucket.put(key, contentType, in, size, sha256, retainUntil, false);
		}
		catch (S3StorageException ex) {
			log.warn("Evidence {} kept in PostgreSQL until object storage takes it: {}", id, ex.getMessage());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		byte[] body = null;
		if (location == null) {
			try {
				body = bytes.open();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		jdbc.sql(INSERT)
			.params(id, kind.name(), contentType, size, sha256, body, Timestamp.from(now), links.clientId(),
					links.noticeId(), links.taskId(), links.callId(), links.agentId(), Timestamp.from(retainUntil),
					location == null ? "DB" : "S3", location == null ? null : location.bucket(),
					location == null ? null : location.key(), location == null ? null : location.versionId())
			.update();
		if (location == null) {
			jdbc.sql("insert into evidence_upload (evidence_id, next_at) values (?, ?)")
				.params(id, Timestamp.from(now))
				.update();
		}
		return new StoredEvidence(id, kind, contentType, size, sha256, now, links, retainUntil, false);
	}

	@Override
	public Optional<StoredEvidence> find(UUID id) {
		return catalogue.find(id);
	}

	@Override
	public List<StoredEvidence> forNotice(UUID noticeId) {
		return catalogue.forNotice(noticeId);
	}

	@Override
	public List<StoredEvidence> linkedTo(EvidenceLinks filter) {
		return catalogue.linkedTo(filter);
	}

	@Override
	public List<StoredEvidence> listAfter(UUID afterId, int limit) {
		return catalogue.listAfter(afterId, limit);
	}

	@Override
	public byte[] read(UUID id) {
		Stored stored = stored(id);
		byte[] body;
		if (stored.location() == null) {
			body = jdbc.sql("select body from evidence where id = ?").param(id).query(byte[].class).single();
		}
		else {
			try (InputStream in = bucket.get(stored.location(), 0, null)) {
				body = in.readAllBytes();
			}
			catch (IOException ex) {
				throw new S3StorageException(S3StorageException.UNREACHABLE, "reading evidence " + id + ": " + ex, ex);
			}
		}
		String actual = Sha256.hex(body);
		if (!stored.sha256().equals(actual)) {
			throw new EvidenceTamperedException(id, stored.sha256(), actual);
		}
		return body;
	}

	@Override
	public InputStream openRange(UUID id, long offset, long length) {
		Stored stored = stored(id);
		if (stored.location() == null) {
			return EvidenceStore.super.openRange(id, offset, length);
		}
		if (length <= 0) {
			return InputStream.nullInputStream();
		}
		return bucket.get(stored.location(), offset, length);
	}

	@Override
	public void setLegalHold(UUID id, boolean on, String reason, String by) {
		EvidenceCatalogue.requireReason(reason);
		Stored stored = stored(id);
		// the hold on the object first: a hold recorded here but not in force there would be a lie; a body still
		// waiting in PostgreSQL gets the hold in force when the upload queue moves it
		if (stored.location() != null) {
			bucket.legalHold(stored.location(), on);
		}
		catalogue.recordHold(id, on, reason, by, clock.instant());
	}

	@Override
	public Optional<ObjectLockState> objectLockAtStore(UUID id) {
		Stored stored = stored(id);
		return stored.location() == null ? Optional.empty() : Optional.of(bucket.objectLock(stored.location()));
	}

	@Override
	public Optional<java.net.URI> presignedGet(UUID id, java.time.Duration ttl) {
		Stored stored = stored(id);
		return stored.location() == null ? Optional.empty() : Optional.of(bucket.presignedGet(stored.location(), ttl));
	}

	/** The body's SHA-256 and where it is (null: in the row). */
	record Stored(String sha256, S3Location location) {
	}

	Stored stored(UUID id) {
		return jdbc.sql(LOCATION).param(id).query((rs, n) -> {
			String key = rs.getString("object_key");
			return new Stored(rs.getString("sha256"),
					key == null ? null : new S3Location(rs.getString("bucket"), key, rs.getString("version_id")));
		}).optional().orElseThrow(() -> new IllegalArgumentException("no evidence " + id));
	}



}
