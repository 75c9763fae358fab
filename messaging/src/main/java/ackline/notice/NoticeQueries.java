package ackline.notice;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.evidence.EvidenceStore;
import ackline.evidence.StoredEvidence;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Reads notices for operators: one with its whole history, or a page filtered by client, status and type. */
public class NoticeQueries {

	private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	private final JdbcClient jdbc;

	private final JsonMapper json = JsonMapper.builder().build();

	private final EvidenceStore evidenceStore;

	private final TransactionTemplate snapshot;

	NoticeQueries(JdbcClient jdbc, EvidenceStore evidenceStore, PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.evidenceStore = evidenceStore;
		this.snapshot = new TransactionTemplate(transactions);
		this.snapshot.setReadOnly(true);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
	}

	private static String sha256(Map<UUID, StoredEvidence> evidence, UUID id) {
		StoredEvidence e = id == null ? null : evidence.get(id);
		return e == null ? null : e.sha256();
	}

	/** The notice and everything about it, read in one snapshot so its status and its attempts agree. */
	public NoticeDetail get(UUID id) {
		return snapshot.execute(s -> read(id));
	}

	private NoticeDetail read(UUID id) {
		NoticeSummary summary = jdbc.sql("select * from notice where id = ?")
			.param(id)
			.query(this::summary)
			.optional()
			.orElseThrow(() -> new NoticeNotFound(id));
		List<Attempt> attempts = jdbc.sql("select * from notice_attempt where notice_id = ? order by id")
			.param(id)
			.query((rs, n) -> new Attempt(rs.getLong("id"), rs.getString("channel"), rs.getString("destination"),
					rs.getString("provider"), rs.getString("provider_id"), rs.getString("status"),
					rs.getString("error_code"), rs.getString("error_message"), rs.getInt("tries"),
					(Integer) rs.getObject("segments"), rs.getString("encoding"), time(rs, "created_at"),
					time(rs, "accepted_at"), time(rs, "sent_at"), time(rs, "delivered_at"), time(rs, "final_at"),
					"PENDING".equals(rs.getString("status")) || "RETRYING".equals(rs.getString("status"))
							? time(rs, "next_attempt_at") : null,
					rs.getObject("send_evidence_id", UUID.class)))
			.list();
		Map<UUID, StoredEvidence> evidenceById = new java.util.LinkedHashMap<>();
		for (StoredEvidence e : evidenceStore.forNotice(id)) {
			evidenceById.put(e.id(), e);
		}
		Acknowledgement ack = jdbc.sql("select * from acknowledgement where notice_id = ?")
			.param(id)
			.query((rs, n) -> new Acknowledgement(rs.getString("channel"), rs.getString("text"), time(rs, "received_at"),
					rs.getBoolean("late"), rs.getObject("evidence_id", UUID.class), sha256(evidenceById, rs.getObject("evidence_id", UUID.class)),
					rs.getObject("inbound_message_id", UUID.class), rs.getString("client_ip"),
					rs.getString("user_agent")))
			.optional()
			.orElse(null);
		List<Reply> replies = jdbc.sql("""
				select * from inbound_message where matched_notice_id = ? or ? = any(candidate_notice_ids)
				order by received_at""")
			.params(id, id)
			.query(this::reply)
			.list();
		List<Event> history = jdbc.sql("select at, kind, detail::text as detail from notice_event where notice_id = ? order by id")
			.param(id)
			.query((rs, n) -> new Event(time(rs, "at"), rs.getString("kind"),
					json.readValue(rs.getString("detail"), new TypeReference<Map<String, Object>>() {
					})))
			.list();
		List<Evidence> evidence = evidenceById.values()
			.stream()
			.map(e -> new Evidence(e.id(), e.kind().name(), e.contentType(), e.size(), e.sha256(),
					e.storedAt().atZone(SHANGHAI).toOffsetDateTime()))
			.toList();
		return new NoticeDetail(summary, attempts, ack, replies, history, evidence);
	}

	public Page list(String clientId, NoticeStatus status, NoticeType type, int page, int size) {
		StringBuilder where = new StringBuilder(" where true");
		List<Object> params = new ArrayList<>();
		if (clientId != null && !clientId.isBlank()) {
			where.append(" and client_id = ?");
			params.add(clientId);
		}
		if (status != null) {
			where.append(" and status = ?");
			params.add(status.name());
		}
		if (type != null) {
			where.append(" and type = ?");
			params.add(type.name());
		}
		long total = jdbc.sql("select count(*) from notice" + where).params(params).query(Long.class).single();
		List<Object> pageParams = new ArrayList<>(params);
		pageParams.add(size);
		pageParams.add((long) page * size);
		List<NoticeSummary> items = jdbc.sql("select * from notice" + where + " order by created_at desc, id desc limit ? offset ?")
			.params(pageParams)
			.query(this::summary)
			.list();
		return new Page(items, page, size, total);
	}

	/** A notice as a client's history lists it: what was sent, how, and how (and when) the client acknowledged. */
	public record ClientNotice(UUID id, String type, String status, List<String> channels, OffsetDateTime createdAt,
			OffsetDateTime acknowledgedAt, String ackChannel) {
	}

	/** The client's notices, newest first, at most {@code limit}. */
	public List<ClientNotice> forClient(String clientId, int limit) {
		return jdbc.sql("""
				select n.id, n.type, n.status, n.channels, n.created_at, n.acknowledged_at, a.channel as ack_channel
				from notice n left join acknowledgement a on a.notice_id = n.id
				where n.client_id = ? order by n.created_at desc, n.id desc limit ?""")
			.params(clientId, limit)
			.query((rs, n) -> new ClientNotice(rs.getObject("id", UUID.class), rs.getString("type"),
					rs.getString("status"), Arrays.asList((String[]) rs.getArray("channels").getArray()),
					time(rs, "created_at"), time(rs, "acknowledged_at"), rs.getString("ack_channel")))
			.list();
	}

	private NoticeSummary summary(ResultSet rs, int n) throws SQLException {
		return new NoticeSummary(rs.getObject("id", UUID.class), rs.getString("ref"), rs.getString("type"),
				rs.getString("status"), rs.getString("client_id"), rs.getString("client_name"), rs.getString("phone"),
				rs.getString("email"), Arrays.asList((String[]) rs.getArray("channels").getArray()),
				rs.getString("language"), json.readValue(rs.getString("params"), new TypeReference<Map<String, Object>>() {
				}), rs.getBoolean("require_ack"), time(rs, "ack_deadline"), rs.getBoolean("opted_out"),
				rs.getString("idempotency_key"), rs.getString("submitted_by"), time(rs, "created_at"),
				time(rs, "updated_at"), time(rs, "acknowledged_at"));
	}

	private static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
		Timestamp ts = rs.getTimestamp(column);
		return ts == null ? null : ts.toInstant().atZone(SHANGHAI).toOffsetDateTime();
	}

	/** Replies, newest first: those waiting for an agent, or all from one sender. */
	public List<Reply> replies(Boolean needsAttention, String channel, String from, int page, int size) {
		StringBuilder where = new StringBuilder(" where true");
		List<Object> params = new ArrayList<>();
		if (needsAttention != null) {
			where.append(needsAttention ? " and needs_attention and handled_at is null" : " and not needs_attention");
		}
		if (channel != null && !channel.isBlank()) {
			where.append(" and channel = ?");
			params.add(channel.toUpperCase(java.util.Locale.ROOT));
		}
		if (from != null && !from.isBlank()) {
			where.append(" and sender = ?");
			params.add(from);
		}
		params.add(size);
		params.add((long) page * size);
		return jdbc.sql("select * from inbound_message" + where + " order by received_at desc limit ? offset ?")
			.params(params)
			.query(this::reply)
			.list();
	}

	private Reply reply(ResultSet rs, int n) throws SQLException {
		return new Reply(rs.getObject("id", UUID.class), rs.getString("channel"), rs.getString("sender"),
				rs.getString("reply_text"), rs.getString("classification"), rs.getString("match_method"),
				rs.getObject("matched_notice_id", UUID.class),
				Arrays.asList((UUID[]) rs.getArray("candidate_notice_ids").getArray()), rs.getBoolean("needs_attention"),
				time(rs, "received_at"), rs.getObject("evidence_id", UUID.class));
	}

	/** A notice without its history. */
	public record NoticeSummary(UUID id, String ref, String type, String status, String clientId, String clientName,
			String phone, String email, List<String> channels, String language, Map<String, Object> params,
			boolean requireAck, OffsetDateTime ackDeadline, boolean optedOut, String idempotencyKey,
			String submittedBy, OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime acknowledgedAt) {
	}

	/** A notice with its attempts, acknowledgement, replies, history and evidence. */
	public record NoticeDetail(NoticeSummary notice, List<Attempt> attempts, Acknowledgement acknowledgement,
			List<Reply> replies, List<Event> history, List<Evidence> evidence) {
	}

	/** One channel's attempt. */
	public record Attempt(long id, String channel, String destination, String provider, String providerId,
			String status, String errorCode, String errorMessage, int tries, Integer segments, String encoding,
			OffsetDateTime createdAt, OffsetDateTime acceptedAt, OffsetDateTime sentAt, OffsetDateTime deliveredAt,
			OffsetDateTime finalAt, OffsetDateTime nextAttemptAt, UUID evidenceId) {
	}

	/** How the client acknowledged. */
	public record Acknowledgement(String channel, String text, OffsetDateTime receivedAt, boolean late, UUID evidenceId,
			String evidenceSha256, UUID inboundId, String clientIp, String userAgent) {
	}

	/** A reply linked to the notice, acknowledgement or not. */
	public record Reply(UUID id, String channel, String from, String text, String classification, String matchMethod,
			UUID noticeId, List<UUID> openNoticesAtReceipt, boolean needsAttention, OffsetDateTime receivedAt, UUID evidenceId) {
	}

	/** One entry of the history. */
	public record Event(OffsetDateTime at, String kind, Map<String, Object> detail) {
	}

	/** Evidence kept for the notice. */
	public record Evidence(UUID id, String kind, String contentType, long size, String sha256, OffsetDateTime storedAt) {
	}

	/** A page of notices, newest first. */
	public record Page(List<NoticeSummary> items, int page, int size, long total) {
	}

}
