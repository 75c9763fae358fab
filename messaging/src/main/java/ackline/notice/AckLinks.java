package ackline.notice;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one-time acknowledgement link: opening it shows the notice; pressing 确认已知晓 records the
 * acknowledgement with the click's time, IP and user agent as evidence. The token is single-use and
 * expires with the notice (its acknowledgement deadline, else the configured link validity).
 */
public class AckLinks {

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final EvidenceStore evidence;

	private final Acknowledgements acknowledgements;

	private final NoticeStore store;

	private final Clock clock;

	AckLinks(JdbcClient jdbc, TransactionTemplate tx, EvidenceStore evidence, Acknowledgements acknowledgements,
			NoticeStore store, Clock clock) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.evidence = evidence;
		this.acknowledgements = acknowledgements;
		this.store = store;
		this.clock = clock;
	}

	/** Where a link stands. */
	public enum LinkState {
		OPEN, ACKNOWLEDGED, USED, EXPIRED
	}

	/** What the page shows. */
	public record LinkView(UUID noticeId, String ref, NoticeType type, String language, String clientName, String text,
			LinkState state, Instant acknowledgedAt, Instant expiresAt, boolean acknowledgedNow) {

		LinkView now() {
			return new LinkView(noticeId, ref, type, language, clientName, text, state, acknowledgedAt, expiresAt, true);
		}
	}

	/** The notice behind a token, or empty for a token that never existed. Opening is noted in the history. */
	public Optional<LinkView> open(String token, String clientIp, String userAgent) {
		Optional<LinkView> view = view(token);
		view.ifPresent(v -> tx.executeWithoutResult(s -> store.event(v.noticeId(), clock.instant(), "LINK_OPENED",
				NoticeStore.detail("ip", clientIp, "userAgent", truncate(userAgent)))));
		return view;
	}

	/** Records the click; the returned view says whether it acknowledged the notice. */
	public Optional<LinkView> confirm(String token, String clientIp, String userAgent) {
		if (!AckTokens.plausible(token)) {
			return Optional.empty();
		}
		String hash = AckTokens.hash(token);
		return tx.execute(s -> {
			Instant now = clock.instant();
			List<Map<String, Object>> rows = jdbc.sql("""
					select id, client_id, ack_token_expires_at, ack_token_used_at, acknowledged_at
					from notice where ack_token_hash = ? for update""")
				.param(hash)
				.query()
				.listOfRows();
			if (rows.isEmpty()) {
				return Optional.<LinkView>empty();
			}
			Map<String, Object> row = rows.get(0);
			UUID id = (UUID) row.get("id");
			Timestamp expires = (Timestamp) row.get("ack_token_expires_at");
			if (row.get("acknowledged_at") == null && row.get("ack_token_used_at") == null
					&& (expires == null || now.isBefore(expires.toInstant()))) {
				Map<String, Object> click = new LinkedHashMap<>();
				click.put("noticeId", id.toString());
				click.put("action", "确认已知晓");
				click.put("at", now.toString());
				click.put("ip", clientIp);
				click.put("userAgent", userAgent);
				StoredEvidence stored = evidence.store(new NewEvidence(EvidenceKind.ACK_CLICK, "application/json",
						store.toJson(click).getBytes(StandardCharsets.UTF_8),
						EvidenceLinks.notice((String) row.get("client_id"), id)));
				jdbc.sql("update notice set ack_token_used_at = ? where id = ?").params(Timestamp.from(now), id).update();
				boolean recorded = acknowledgements.record(id, AckChannel.LINK, "确认已知晓", null, clientIp,
						truncate(userAgent), stored.id(), now);
				return recorded ? view(token).map(LinkView::now) : view(token);
			}
			return view(token);
		});
	}

	private Optional<LinkView> view(String token) {
		if (!AckTokens.plausible(token)) {
			return Optional.empty();
		}
		Instant now = clock.instant();
		return jdbc.sql("""
				select n.id, n.ref, n.type, n.language, n.client_name, n.ack_token_expires_at, n.ack_token_used_at,
				       n.acknowledged_at,
				       coalesce((select body from notice_attempt a where a.notice_id = n.id and a.channel = 'EMAIL'),
				                (select body from notice_attempt a where a.notice_id = n.id and a.channel = 'SMS')) as text
				from notice n where n.ack_token_hash = ?""")
			.param(AckTokens.hash(token))
			.query((rs, i) -> {
				Timestamp expires = rs.getTimestamp("ack_token_expires_at");
				Timestamp acked = rs.getTimestamp("acknowledged_at");
				LinkState state = acked != null ? LinkState.ACKNOWLEDGED
						: rs.getTimestamp("ack_token_used_at") != null ? LinkState.USED
								: expires != null && !now.isBefore(expires.toInstant()) ? LinkState.EXPIRED
										: LinkState.OPEN;
				return new LinkView(rs.getObject("id", UUID.class), rs.getString("ref"),
						NoticeType.valueOf(rs.getString("type")), rs.getString("language"), rs.getString("client_name"),
						rs.getString("text"), state, acked == null ? null : acked.toInstant(),
						expires == null ? null : expires.toInstant(), false);
			})
			.optional();
	}

	private static String truncate(String s) {
		return s == null ? null : s.length() > 500 ? s.substring(0, 500) : s;
	}

}
