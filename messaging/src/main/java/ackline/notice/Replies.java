package ackline.notice;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
import ackline.id.Ids;
import ackline.phone.PhoneNumbers;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes clients' replies by SMS and email, keeps every one (raw, as evidence), and decides what each
 * acknowledges.
 *
 * <p>An SMS reply acknowledges the most recent open notice requiring acknowledgement sent to that number
 * within the match window; the other open notices at that moment are recorded on the reply as candidates,
 * so an auditor can see what the reply could have meant. An email reply acknowledges the notice whose
 * Message-ID it answers (In-Reply-To, then References), else the notice whose reference is in its subject,
 * and only when it comes from the address the notice was sent to. A reply that is not an acknowledgement,
 * or comes from nobody we know, is kept and flagged for an agent. STOP / 退订 records an opt-out.
 */
public class Replies implements MailReplyHandler {

	private static final Logger log = LoggerFactory.getLogger(Replies.class);

	private static final Pattern SUBJECT_REF = Pattern.compile("(?:编号|REF)\\s*[:：]?\\s*([0-9A-HJKMNP-TV-Z]{8})",
			Pattern.CASE_INSENSITIVE);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final EvidenceStore evidence;

	private final Acknowledgements acknowledgements;

	private final NoticeStore store;

	private final ReplyClassifier classifier;

	private final PhoneNumbers phones;

	private final NoticeSettings settings;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final MeterRegistry meters;

	Replies(JdbcClient jdbc, TransactionTemplate tx, EvidenceStore evidence, Acknowledgements acknowledgements,
			NoticeStore store, PhoneNumbers phones, NoticeSettings settings, Clock clock,
			ApplicationEventPublisher events, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.evidence = evidence;
		this.acknowledgements = acknowledgements;
		this.store = store;
		this.classifier = new ReplyClassifier(settings.ackWords(), settings.optOutWords());
		this.phones = phones;
		this.settings = settings;
		this.clock = clock;
		this.events = events;
		this.meters = meters;
	}

	/** What became of a reply. */
	public record Outcome(UUID inboundId, String classification, UUID noticeId, boolean acknowledged, boolean replay) {
	}

	public Outcome onSms(SmsReceived sms) {
		// A replayed MessageSid is caught by the unique (channel, provider id) when the reply is kept: that
		// transaction rolls back, evidence included, and the first copy's outcome is returned.
		Outcome outcome = replaySafe("SMS", sms.providerId(), () -> tx.execute(s -> {
			Instant now = clock.instant();
			String sender = phones.normalizeLeniently(sms.from());
			List<Map<String, Object>> open = jdbc.sql("""
					select id, client_id from notice
					where phone = ? and require_ack and acknowledged_at is null and created_at > ?
					order by created_at desc limit 20""")
				.params(sender, Timestamp.from(now.minus(settings.replyMatchWindow())))
				.query()
				.listOfRows();
			List<UUID> candidates = open.stream().map(r -> (UUID) r.get("id")).toList();
			UUID context = candidates.isEmpty() ? latestNoticeTo("phone", sender) : candidates.get(0);
			String clientId = open.isEmpty() ? clientOf(context) : (String) open.get(0).get("client_id");
			ReplyClassifier.Meaning meaning = classifier.classify(sms.body());
			StoredEvidence stored = evidence.store(new NewEvidence(EvidenceKind.SMS_RECEIVED,
					"application/x-www-form-urlencoded", sms.raw(), EvidenceLinks.notice(clientId, context)));
			String method = !candidates.isEmpty() ? "LATEST_OPEN" : context != null ? "LATEST_SENT" : "NONE";
			return record(AckChannel.SMS, sms.providerId(), sender, sms.to(), sms.body(), sms.body(), meaning, context,
					method, candidates, candidates.isEmpty() ? null : candidates.get(0), stored, now);
		}));
		meters.counter("ackline.replies", "channel", "sms", "classification", outcome.classification()).increment();
		return outcome;
	}

	@Override
	public void onReply(ReceivedMail mail) {
		Outcome outcome = onMail(mail);
		meters.counter("ackline.replies", "channel", "email", "classification", outcome.classification()).increment();
	}

	public Outcome onMail(ReceivedMail mail) {
		return replaySafe("EMAIL", mail.messageId(), () -> tx.execute(s -> {
			Instant now = clock.instant();
			List<String> ids = new ArrayList<>();
			if (mail.inReplyTo() != null) {
				ids.add(mail.inReplyTo().strip());
			}
			if (mail.references() != null) {
				for (int i = mail.references().size() - 1; i >= 0; i--) {
					ids.add(mail.references().get(i).strip());
				}
			}
			UUID notice = null;
			String method = "NONE";
			for (String id : ids) {
				notice = jdbc.sql("select notice_id from notice_attempt where channel = 'EMAIL' and provider_id = ?")
					.param(id)
					.query(UUID.class)
					.optional()
					.orElse(null);
				if (notice != null) {
					method = id.equals(mail.inReplyTo()) ? "IN_REPLY_TO" : "REFERENCES";
					break;
				}
			}
			if (notice == null && mail.subject() != null) {
				Matcher m = SUBJECT_REF.matcher(mail.subject());
				if (m.find()) {
					notice = jdbc.sql("select id from notice where ref = ? order by created_at desc limit 1")
						.param(m.group(1).toUpperCase())
						.query(UUID.class)
						.optional()
						.orElse(null);
					method = notice == null ? "NONE" : "SUBJECT_REF";
				}
			}
			UUID open = null;
			String clientId = null;
			boolean fromClient = false;
			if (notice != null) {
				Map<String, Object> row = jdbc.sql("select email, client_id, require_ack, acknowledged_at from notice where id = ?")
					.param(notice)
					.query()
					.singleRow();
				clientId = (String) row.get("client_id");
				fromClient = mail.from() != null && mail.from().equalsIgnoreCase((String) row.get("email"));
				if (Boolean.TRUE.equals(row.get("require_ack")) && row.get("acknowledged_at") == null && fromClient) {
					open = notice;
				}
			}
			ReplyClassifier.Meaning meaning = classifier.classify(firstLine(mail.reply()));
			if (notice != null && !fromClient && meaning == ReplyClassifier.Meaning.ACK) {
				// Someone other than the addressee answered (forwarded mail?): an agent decides, not a rule.
				meaning = ReplyClassifier.Meaning.OTHER;
			}
			StoredEvidence stored = evidence.store(new NewEvidence(EvidenceKind.EMAIL_RECEIVED, "message/rfc822",
					mail.raw(), EvidenceLinks.notice(clientId, notice)));
			return record(AckChannel.EMAIL, mail.messageId(), mail.from(), settings.mailFrom(), mail.text(),
					mail.reply(), meaning, notice, method, open == null ? List.of() : List.of(open), open, stored, now);
		}));
	}

	private Outcome record(AckChannel channel, String providerId, String sender, String recipient, String body,
			String replyText, ReplyClassifier.Meaning meaning, UUID context, String method, List<UUID> candidates,
			UUID ackTarget, StoredEvidence stored, Instant now) {
		UUID inboundId = Ids.newId(clock);
		boolean unknownSender = context == null;
		boolean needsAttention = meaning == ReplyClassifier.Meaning.OTHER || unknownSender;
		// One statement keeps the reply and writes it into its notice's history; a second copy of the same
		// message (a provider's retry racing the first) inserts nothing and rolls back below.
		String history = context == null ? null : toJson(NoticeStore.detail("channel", channel.name(), "inboundId",
				inboundId.toString(), "classification", meaning.name(), "match", method, "otherOpenNotices",
				candidates.size() > 1 ? candidates.subList(1, candidates.size()).stream().map(UUID::toString).toList()
						: null));
		int inserted = jdbc.sql("""
				with kept as (
				    insert into inbound_message (id, channel, provider_id, sender, recipient, body, reply_text, classification,
				                                 matched_notice_id, match_method, candidate_notice_ids, needs_attention,
				                                 received_at, evidence_id)
				    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (channel, provider_id) do nothing
				    returning matched_notice_id, received_at),
				history as (
				    insert into notice_event (notice_id, at, kind, detail)
				    select matched_notice_id, received_at, 'REPLY_RECEIVED', ?::jsonb from kept where matched_notice_id is not null)
				select count(*) from kept""")
			.params(inboundId, channel.name(), providerId, sender, recipient, body == null ? "" : body,
					replyText == null ? "" : replyText, meaning.name(), context, method,
					candidates.toArray(UUID[]::new), needsAttention, Timestamp.from(now), stored.id(), history)
			.query(Integer.class)
			.single();
		if (inserted == 0) {
			// The same message again (a replay, or two copies at once): the first is kept; undo this one.
			throw new ConcurrentReplay(channel.name(), providerId);
		}
		boolean acknowledged = false;
		switch (meaning) {
			case ACK -> {
				if (ackTarget != null) {
					acknowledged = acknowledgements.record(ackTarget, channel, replyText, inboundId, null, null,
							stored.id(), now);
				}
			}
			case OPT_OUT -> {
				jdbc.sql("""
						insert into contact_opt_out (address, channel, opted_out_at, inbound_message_id)
						values (?, ?, ?, ?) on conflict (address) do nothing""")
					.params(sender, channel.name(), Timestamp.from(now), inboundId)
					.update();
				if (context != null) {
					jdbc.sql("update notice set opted_out = true, updated_at = ? where id = ?")
						.params(Timestamp.from(now), context)
						.update();
					store.event(context, now, "OPTED_OUT", Map.of("channel", channel.name()));
				}
				events.publishEvent(new NoticeEvents.ClientOptedOut(sender, channel, now));
			}
			case OTHER -> {
			}
		}
		if (needsAttention) {
			events.publishEvent(new NoticeEvents.ReplyNeedsAttention(inboundId, channel, context, now));
			log.info("{} reply {} needs an agent ({}{})", channel, inboundId, meaning,
					unknownSender ? ", unknown sender" : "");
		}
		return new Outcome(inboundId, meaning.name(), context, acknowledged, false);
	}

	private String toJson(Object value) {
		return store.toJson(value);
	}

	private Outcome replaySafe(String channel, String providerId, java.util.function.Supplier<Outcome> work) {
		try {
			return work.get();
		}
		catch (ConcurrentReplay ex) {
			return seen(channel, providerId);
		}
	}

	private Outcome seen(String channel, String providerId) {
		return jdbc.sql("select id, classification, matched_notice_id from inbound_message where channel = ? and provider_id = ?")
			.params(channel, providerId)
			.query((rs, n) -> new Outcome(rs.getObject("id", UUID.class), rs.getString("classification"),
					rs.getObject("matched_notice_id", UUID.class), false, true))
			.optional()
			.orElse(null);
	}

	private UUID latestNoticeTo(String column, String address) {
		return jdbc.sql("select id from notice where " + column + " = ? order by created_at desc limit 1")
			.param(address)
			.query(UUID.class)
			.optional()
			.orElse(null);
	}

	private String clientOf(UUID notice) {
		return notice == null ? null
				: jdbc.sql("select client_id from notice where id = ?").param(notice).query(String.class).single();
	}

	private static String firstLine(String text) {
		if (text == null) {
			return "";
		}
		for (String line : text.split("\\R")) {
			if (!line.isBlank()) {
				return line;
			}
		}
		return "";
	}

	/** A message already kept arrived again; this copy rolls back and reports a replay. */
	static class ConcurrentReplay extends RuntimeException {

		ConcurrentReplay(String channel, String providerId) {
			super(channel + " message " + providerId + " is already being recorded");
		}

	}

}
