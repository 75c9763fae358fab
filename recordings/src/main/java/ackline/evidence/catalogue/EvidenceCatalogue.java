package ackline.evidence.catalogue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.StoredEvidence;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The evidence metadata in PostgreSQL (table {@code evidence}, holds in {@code evidence_hold}), whichever store keeps
 * the bodies: what every {@code EvidenceStore} answers about evidence without reading a body.
 */
public final class EvidenceCatalogue {

	private static final String METADATA = """
			select e.id, e.kind, e.content_type, e.size_bytes, e.sha256, e.stored_at, e.client_id, e.notice_id, e.task_id,
			       e.call_id, e.agent_id, e.retain_until,
			       coalesce((select h.hold from evidence_hold h where h.evidence_id = e.id order by h.seq desc limit 1),
			                false) as legal_hold
			from evidence e""";

	private final JdbcClient jdbc;

	public EvidenceCatalogue(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<StoredEvidence> find(UUID id) {
		return jdbc.sql(METADATA + " where e.id = ?").param(id).query(EvidenceCatalogue::metadata).optional();
	}

	public List<StoredEvidence> forNotice(UUID noticeId) {
		return jdbc.sql(METADATA + " where e.notice_id = ? order by e.stored_at, e.id")
			.param(noticeId)
			.query(EvidenceCatalogue::metadata)
			.list();
	}

	/** Evidence matching every non-null link of the filter, oldest first; nothing for an empty filter. */
	public List<StoredEvidence> linkedTo(EvidenceLinks filter) {
		StringBuilder where = new StringBuilder();
		List<Object> params = new ArrayList<>();
		condition(where, params, "e.client_id", filter.clientId());
		condition(where, params, "e.notice_id", filter.noticeId());
		condition(where, params, "e.task_id", filter.taskId());
		condition(where, params, "e.call_id", filter.callId());
		condition(where, params, "e.agent_id", filter.agentId());
		if (params.isEmpty()) {
			return List.of();
		}
		return jdbc.sql(METADATA + " where " + where + " order by e.stored_at, e.id")
			.params(params)
			.query(EvidenceCatalogue::metadata)
			.list();
	}

	/** Up to {@code limit} pieces of evidence after {@code afterId} (null: from the start), in id order. */
	public List<StoredEvidence> listAfter(UUID afterId, int limit) {
		if (afterId == null) {
			return jdbc.sql(METADATA + " order by e.id limit ?").param(limit).query(EvidenceCatalogue::metadata).list();
		}
		return jdbc.sql(METADATA + " where e.id > ? order by e.id limit ?")
			.params(afterId, limit)
			.query(EvidenceCatalogue::metadata)
			.list();
	}

	/** Records a legal hold change (append-only: the latest row is the hold in force). */
	public void recordHold(UUID id, boolean on, String reason, String by, java.time.Instant at) {
		jdbc.sql("insert into evidence_hold (evidence_id, hold, reason, set_by, at) values (?, ?, ?, ?, ?)")
			.params(id, on, reason, by, java.sql.Timestamp.from(at))
			.update();
	}

	/** A hold change needs a reason (who asked for it, why); refused before anything is done. */
	public static void requireReason(String reason) {
		if (reason == null || reason.isBlank()) {
			throw new IllegalArgumentException("a legal hold change needs a reason");
		}
	}

	private static void condition(StringBuilder where, List<Object> params, String column, Object value) {
		if (value != null) {
			where.append(params.isEmpty() ? "" : " and ").append(column).append(" = ?");
			params.add(value);
		}
	}

	private static StoredEvidence metadata(ResultSet rs, int row) throws SQLException {
		return new StoredEvidence(rs.getObject("id", UUID.class), EvidenceKind.valueOf(rs.getString("kind")),
				rs.getString("content_type"), rs.getLong("size_bytes"), rs.getString("sha256"),
				rs.getTimestamp("stored_at").toInstant(),
				new EvidenceLinks(rs.getString("client_id"), rs.getObject("notice_id", UUID.class),
						rs.getObject("task_id", UUID.class), rs.getObject("call_id", UUID.class),
						rs.getString("agent_id")),
				rs.getTimestamp("retain_until") == null ? null : rs.getTimestamp("retain_until").toInstant(),
				rs.getBoolean("legal_hold"));
	}

}
