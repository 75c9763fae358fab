package ackline.evidence.jdbc;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.EvidenceStore;
import ackline.evidence.EvidenceTamperedException;
import ackline.evidence.NewEvidence;
import ackline.evidence.Sha256;
import ackline.evidence.StoredEvidence;
import ackline.evidence.catalogue.EvidenceCatalogue;
import ackline.id.Ids;

import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link EvidenceStore} in PostgreSQL, until the evidence-store issue moves bodies to object storage.
 * Writes join the caller's transaction; a database trigger refuses any update or delete.
 */
class JdbcEvidenceStore implements EvidenceStore {

	private static final String INSERT = """
			insert into evidence (id, kind, content_type, size_bytes, sha256, body, stored_at,
			                      client_id, notice_id, task_id, call_id, agent_id, retain_until)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";


	private final JdbcClient jdbc;

	private final EvidenceCatalogue catalogue;

	private final JdbcTemplate jdbcTemplate;

	private final Clock clock;

	private final EvidenceRetention retention;

	JdbcEvidenceStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, Clock clock, EvidenceRetention retention) {
		this.jdbc = jdbc;
		this.catalogue = new EvidenceCatalogue(jdbc);
		this.jdbcTemplate = jdbcTemplate;
		this.clock = clock;
		this.retention = retention;
	}

	@Override
	public StoredEvidence store(NewEvidence evidence) {
		UUID id = Ids.newId(clock);
		String sha256 = Sha256.hex(evidence.body());
		Instant now = clock.instant();
		EvidenceLinks links = evidence.links();
		Instant retainUntil = retention.retainUntil(evidence.kind(), now);
		jdbc.sql(INSERT)
			.params(id, evidence.kind().name(), evidence.contentType(), evidence.body().length, sha256,
					evidence.body(), Timestamp.from(now), links.clientId(), links.noticeId(), links.taskId(),
					links.callId(), links.agentId(), Timestamp.from(retainUntil))
			.update();
		return new StoredEvidence(id, evidence.kind(), evidence.contentType(), evidence.body().length, sha256, now,
				links, retainUntil, false);
	}

	@Override
	public List<StoredEvidence> storeAll(List<NewEvidence> evidence) {
		Instant now = clock.instant();
		List<StoredEvidence> stored = new java.util.ArrayList<>();
		List<Object[]> rows = new java.util.ArrayList<>();
		for (NewEvidence e : evidence) {
			UUID id = Ids.newId(clock);
			String sha256 = Sha256.hex(e.body());
			EvidenceLinks links = e.links();
			Instant retainUntil = retention.retainUntil(e.kind(), now);
			rows.add(new Object[] { id, e.kind().name(), e.contentType(), e.body().length, sha256, e.body(),
					Timestamp.from(now), links.clientId(), links.noticeId(), links.taskId(), links.callId(),
					links.agentId(), Timestamp.from(retainUntil) });
			stored.add(new StoredEvidence(id, e.kind(), e.contentType(), e.body().length, sha256, now, links,
					retainUntil, false));
		}
		jdbcTemplate.batchUpdate(INSERT, rows);
		return stored;
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
		try {
			return jdbc.sql("select sha256, body from evidence where id = ?").param(id).query((rs, n) -> {
				byte[] body = rs.getBytes("body");
				String expected = rs.getString("sha256");
				String actual = Sha256.hex(body);
				if (!expected.equals(actual)) {
					throw new EvidenceTamperedException(id, expected, actual);
				}
				return body;
			}).single();
		}
		catch (EmptyResultDataAccessException ex) {
			throw new IllegalArgumentException("no evidence " + id, ex);
		}
	}

	/** Only the asked part leaves the database (PostgreSQL cuts it out of the value). */
	@Override
	public java.io.InputStream openRange(UUID id, long offset, long length) {
		if (offset < 0 || length < 0 || offset > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("bad range " + offset + "+" + length + " of evidence " + id);
		}
		int count = (int) Math.min(length, Integer.MAX_VALUE);
		byte[] part = jdbc.sql("select substring(body from ? for ?) from evidence where id = ?")
			.params((int) offset + 1, count, id)
			.query(byte[].class)
			.optional()
			.orElseThrow(() -> new IllegalArgumentException("no evidence " + id));
		return new java.io.ByteArrayInputStream(part);
	}

	@Override
	public void setLegalHold(UUID id, boolean on, String reason, String by) {
		EvidenceCatalogue.requireReason(reason);
		if (find(id).isEmpty()) {
			throw new IllegalArgumentException("no evidence " + id);
		}
		catalogue.recordHold(id, on, reason, by, clock.instant());
	}


}
