package ackline.notice;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an escalation workflow needs of the notice hub: the notices still unacknowledged after their deadline, a place
 * on the notice's history for each escalation step, and acknowledgement by a key press on an automated call.
 */
public class NoticeEscalations {

	/** Notices whose deadline passed longer ago than this are not escalated any more. */
	private static final Duration LOOK_BACK = Duration.ofDays(7);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final NoticeStore store;

	private final Acknowledgements acknowledgements;

	private final EvidenceStore evidence;

	private final JsonMapper json = JsonMapper.builder().build();

	NoticeEscalations(JdbcClient jdbc, TransactionTemplate tx, NoticeStore store, Acknowledgements acknowledgements,
			EvidenceStore evidence) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.store = store;
		this.acknowledgements = acknowledgements;
		this.evidence = evidence;
	}

	/** A notice that needed an acknowledgement by its deadline and has none. */
	public record Unacknowledged(UUID id, String ref, NoticeType type, String clientId, String clientName, String phone,
			String language, Instant ackDeadline) {
	}

	/**
	 * Unacknowledged notices with a phone number whose deadline passed (in the last week), oldest deadline first
	 * (escalation is by phone: a notice sent by email only waits for its agent in the replies list).
	 */
	public List<Unacknowledged> pastDeadline(Instant now, int limit) {
		return jdbc.sql("""
				select id, ref, type, client_id, client_name, phone, language, ack_deadline from notice
				where require_ack and acknowledged_at is null and phone is not null and ack_deadline <= ? and ack_deadline > ?
				order by ack_deadline limit ?""")
			.params(Timestamp.from(now), Timestamp.from(now.minus(LOOK_BACK)), limit)
			.query((rs, i) -> new Unacknowledged(rs.getObject("id", UUID.class), rs.getString("ref"),
					NoticeType.valueOf(rs.getString("type")), rs.getString("client_id"), rs.getString("client_name"),
					rs.getString("phone"), rs.getString("language"), rs.getTimestamp("ack_deadline").toInstant()))
			.list();
	}

	/** Whether the notice has been acknowledged (by any channel). */
	public boolean isAcknowledged(UUID noticeId) {
		return jdbc.sql("select count(*) from notice where id = ? and acknowledged_at is not null").param(noticeId)
			.query(Long.class).single() > 0;
	}

	/** Adds an escalation step to the notice's history ({@code ESCALATED}, with the step's detail). */
	public void recordStep(UUID noticeId, Instant at, Map<String, ?> detail) {
		store.event(noticeId, at, "ESCALATED", detail);
	}

	/**
	 * Acknowledges the notice by the key the client pressed on an automated call: keeps the key press as evidence
	 * (linked to the notice and the call) and records the acknowledgement, once. Returns true when this acknowledged
	 * the notice.
	 */
	public boolean acknowledgeByKeyPress(UUID noticeId, String clientId, UUID callId, String digits, Instant at) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("noticeId", noticeId.toString());
		body.put("callId", callId.toString());
		body.put("digits", digits);
		body.put("pressedAt", at.toString());
		body.put("source", "FastAGI GET DATA");
		byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
		return Boolean.TRUE.equals(tx.execute(status -> {
			StoredEvidence stored = evidence.store(new NewEvidence(EvidenceKind.IVR_KEYPRESS, "application/json", bytes,
					new EvidenceLinks(clientId, noticeId, null, callId, null)));
			return acknowledgements.record(noticeId, AckChannel.IVR, "DTMF " + digits, null, null, null, stored.id(), at);
		}));
	}

}
