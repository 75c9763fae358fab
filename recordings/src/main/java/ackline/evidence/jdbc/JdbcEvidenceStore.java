package ackline.evidence.jdbc;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.EvidenceTamperedException;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
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
			                      client_id, notice_id, task_id, call_id, agent_id)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

	private final JdbcClient jdbc;

	private final JdbcTemplate jdbcTemplate;

	private final Clock clock;

	JdbcEvidenceStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, Clock clock) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
		this.clock = clock;
	}

	@Override
	public StoredEvidence store(NewEvidence evidence) {
		UUID id = Ids.newId(clock);
		String sha256 = sha256(evidence.body());
		Instant now = clock.instant();
		EvidenceLinks links = evidence.links();
		jdbc.sql(INSERT)
			.params(id, evidence.kind().name(), evidence.contentType(), evidence.body().length, sha256,
					evidence.body(), Timestamp.from(now), links.clientId(), links.noticeId(), links.taskId(),
					links.callId(), links.agentId())
			.update();
		return new StoredEvidence(id, evidence.kind(), evidence.contentType(), evidence.body().length, sha256, now,
				links);
	}

	@Override
	public List<StoredEvidence> storeAll(List<NewEvidence> evidence) {
		Instant now = clock.instant();
		List<StoredEvidence> stored = new java.util.ArrayList<>();
		List<Object[]> rows = new java.util.ArrayList<>();
		for (NewEvidence e : evidence) {
			UUID id = Ids.newId(clock);
			String sha256 = sha256(e.body());
			EvidenceLinks links = e.links();
			rows.add(new Object[] { id, e.kind().name(), e.contentType(), e.body().length, sha256, e.body(),
					Timestamp.from(now), links.clientId(), links.noticeId(), links.taskId(), links.callId(),
					links.agentId() });
			stored.add(new StoredEvidence(id, e.kind(), e.contentType(), e.body().length, sha256, now, links));
		}
		jdbcTemplate.batchUpdate(INSERT, rows);
		return stored;
	}

	@Override
	public Optional<StoredEvidence> find(UUID id) {
		return jdbc.sql("""
				select id, kind, content_type, size_bytes, sha256, stored_at, client_id, notice_id, task_id,
				       call_id, agent_id
				from evidence where id = ?""").param(id).query(JdbcEvidenceStore::metadata).optional();
	}

	@Override
	public List<StoredEvidence> forNotice(UUID noticeId) {
		return jdbc.sql("select id, kind, content_type, size_bytes, sha256, stored_at, client_id, notice_id, task_id, "
				+ "call_id, agent_id from evidence where notice_id = ? order by stored_at, id")
			.param(noticeId)
			.query(JdbcEvidenceStore::metadata)
			.list();
	}

	@Override
	public byte[] read(UUID id) {
		try {
			return jdbc.sql("select sha256, body from evidence where id = ?").param(id).query((rs, n) -> {
				byte[] body = rs.getBytes("body");
				String expected = rs.getString("sha256");
				String actual = sha256(body);
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

	private static StoredEvidence metadata(ResultSet rs, int row) throws SQLException {
		return new StoredEvidence(rs.getObject("id", UUID.class), EvidenceKind.valueOf(rs.getString("kind")),
				rs.getString("content_type"), rs.getLong("size_bytes"), rs.getString("sha256"),
				rs.getTimestamp("stored_at").toInstant(),
				new EvidenceLinks(rs.getString("client_id"), rs.getObject("notice_id", UUID.class),
						rs.getObject("task_id", UUID.class), rs.getObject("call_id", UUID.class),
						rs.getString("agent_id")));
	}

	static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}
