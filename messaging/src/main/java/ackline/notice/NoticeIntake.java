package ackline.notice;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import ackline.id.Ids;
import ackline.phone.InvalidPhoneNumberException;
import ackline.phone.PhoneNumbers;
import ackline.queue.WorkQueue;
import ackline.validation.FieldError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepts notices: checks every field, renders the texts, and writes the notice with one outbox row per
 * channel in one transaction; then puts the attempts on the send queue. If the process dies between the
 * commit and the queue, or the queue loses them, the {@link NoticeReconciler} queues them again.
 */
public class NoticeIntake {

	private static final Logger log = LoggerFactory.getLogger(NoticeIntake.class);

	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	private static final DateTimeFormatter DEADLINE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

	private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

	private static final int CHUNK = 500;

	private static final int MAX_PARAMS = 50;

	private static final int MAX_PARAM_LENGTH = 500;

	private final JdbcClient jdbc;

	private final JdbcTemplate jdbcTemplate;

	private final TransactionTemplate tx;

	private final WorkQueue queue;

	private final NoticeTemplates templates;

	private final NoticeSettings settings;

	private final PublicAddress publicAddress;

	private final PhoneNumbers phones;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder().build();

	private final String mailDomain;

	private final Counter accepted;

	private final NoticeStore store;

	NoticeIntake(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate tx, NoticeStore store, WorkQueue queue,
			NoticeTemplates templates, NoticeSettings settings, PublicAddress publicAddress, PhoneNumbers phones,
			Clock clock, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
		this.tx = tx;
		this.store = store;
		this.queue = queue;
		this.templates = templates;
		this.settings = settings;
		this.publicAddress = publicAddress;
		this.phones = phones;
		this.clock = clock;
		String from = settings.mailFrom();
		this.mailDomain = from.contains("@") ? from.substring(from.indexOf('@') + 1) : "ackline.local";
		this.accepted = Counter.builder("ackline.notices.accepted").register(meters);
	}

	/** Accepts one notice, or returns the one already accepted under the same idempotency key. */
	public Accepted accept(NoticeRequest request, String submittedBy) {
		Item item = prepare(request, submittedBy);
		if (item.errors != null) {
			throw new NoticeRejected(item.errors);
		}
		List<Result> results = persist(List.of(item), submittedBy);
		return results.get(0).accepted();
	}

	/** Accepts many notices; each item stands alone: one bad item does not hold back the others. */
	public List<Result> acceptBatch(List<NoticeRequest> requests, String submittedBy) {
		if (requests.size() > settings.maxBatch()) {
			throw new NoticeRejected(List.of(FieldError.of("notices", "batch.too-many",
					"at most " + settings.maxBatch() + " notices per batch, got " + requests.size(), settings.maxBatch(),
					requests.size())));
		}
		List<Item> items = requests.stream().map(r -> prepare(r, submittedBy)).toList();
		Result[] results = new Result[items.size()];
		List<Item> valid = new ArrayList<>();
		List<Integer> positions = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			if (items.get(i).errors != null) {
				results[i] = new Result(null, items.get(i).errors);
			}
			else {
				valid.add(items.get(i));
				positions.add(i);
			}
		}
		for (int from = 0; from < valid.size(); from += CHUNK) {
			List<Item> chunk = valid.subList(from, Math.min(valid.size(), from + CHUNK));
			List<Result> persisted = persist(chunk, submittedBy);
			for (int j = 0; j < chunk.size(); j++) {
				results[positions.get(from + j)] = persisted.get(j);
			}
		}
		return List.of(results);
	}

	private Item prepare(NoticeRequest r, String submittedBy) {
		List<FieldError> errors = new ArrayList<>();
		if (r == null) {
			return Item.rejected(List.of(FieldError.of("", "notice.object", "a notice object is required")));
		}
		NoticeType type = null;
		if (blank(r.type())) {
			errors.add(error("type", "type.required", "is required: one of " + List.of(NoticeType.values()),
					List.of(NoticeType.values())));
		}
		else {
			try {
				type = NoticeType.valueOf(r.type().strip().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				errors.add(error("type", "type.unknown", "'" + r.type() + "' is not a notice type: use one of "
						+ List.of(NoticeType.values()), r.type(), List.of(NoticeType.values())));
			}
		}
		requireText(errors, "clientId", r.clientId(), 64);
		requireText(errors, "clientName", r.clientName(), 100);

		EnumSet<Channel> channels = EnumSet.noneOf(Channel.class);
		if (r.channels() == null || r.channels().isEmpty()) {
			errors.add(error("channels", "channels.required", "is required: SMS, EMAIL or both"));
		}
		else {
			for (int i = 0; i < r.channels().size(); i++) {
				String c = r.channels().get(i);
				try {
					channels.add(Channel.valueOf(c == null ? "" : c.strip().toUpperCase(Locale.ROOT)));
				}
				catch (IllegalArgumentException ex) {
					errors.add(error("channels[" + i + "]", "channels.unknown", "'" + c + "' is not a channel: use SMS or EMAIL",
							c));
				}
			}
		}
		String phone = null;
		if (!blank(r.phone())) {
			try {
				phone = phones.normalize(r.phone());
			}
			catch (InvalidPhoneNumberException ex) {
				errors.add(error("phone", "phone.invalid", ex.getMessage(), r.phone()));
			}
		}
		else if (channels.contains(Channel.SMS)) {
			errors.add(error("phone", "phone.required", "is required to send by SMS"));
		}
		String email = null;
		if (!blank(r.email())) {
			email = r.email().strip().toLowerCase(Locale.ROOT);
			if (!EMAIL.matcher(email).matches() || email.length() > 254) {
				errors.add(error("email", "email.invalid", "'" + r.email() + "' is not an email address", r.email()));
			}
		}
		else if (channels.contains(Channel.EMAIL)) {
			errors.add(error("email", "email.required", "is required to send by EMAIL"));
		}
		String language = templates.language(r.language(), settings.defaultLanguage());
		if (language == null) {
			errors.add(error("language", "language.unsupported", "'" + r.language() + "' is not supported: use zh-CN or en",
					r.language()));
		}
		Map<String, String> params = new TreeMap<>();
		if (r.params() != null) {
			if (r.params().size() > MAX_PARAMS) {
				errors.add(error("params", "params.too-many", "at most " + MAX_PARAMS + " template variables", MAX_PARAMS));
			}
			for (Map.Entry<String, Object> e : r.params().entrySet()) {
				Object v = e.getValue();
				if (v == null) {
					continue;
				}
				if (v instanceof Map || v instanceof List) {
					errors.add(error("params." + e.getKey(), "params.not-scalar", "must be text or a number"));
					continue;
				}
				String text = String.valueOf(v);
				if (text.length() > MAX_PARAM_LENGTH) {
					errors.add(error("params." + e.getKey(), "too-long", "is longer than " + MAX_PARAM_LENGTH + " characters",
							MAX_PARAM_LENGTH));
				}
				params.put(e.getKey(), text);
			}
		}
		boolean requireAck = r.requireAck() != null ? r.requireAck()
				: type != null && settings.regulatoryTypes().contains(type);
		Instant now = clock.instant();
		Instant ackDeadline = r.ackDeadline() == null ? null : r.ackDeadline().toInstant();
		if (ackDeadline != null && !ackDeadline.isAfter(now)) {
			errors.add(error("ackDeadline", "ackDeadline.past", "must be in the future, got " + r.ackDeadline(),
					r.ackDeadline()));
		}
		if (r.idempotencyKey() != null && (r.idempotencyKey().isBlank() || r.idempotencyKey().length() > 200)) {
			errors.add(error("idempotencyKey", "idempotencyKey.length", "must be 1 to 200 characters"));
		}
		if (type != null && language != null && !channels.isEmpty()) {
			Set<String> missing = new HashSet<>();
			for (Channel channel : channels) {
				for (String part : parts(channel)) {
					for (String variable : templates.required(type, language, part)) {
						if ("deadline".equals(variable) && ackDeadline != null) {
							continue;
						}
						String value = params.get(variable);
						if ((value == null || value.isBlank()) && missing.add(variable)) {
							errors.add(error("params." + variable, "params.required",
									"is required by the " + type + " template (" + language + ")", type, language));
						}
					}
				}
			}
		}
		if (!errors.isEmpty()) {
			return Item.rejected(errors);
		}

		UUID id = Ids.newId(clock);
		String ref = Ids.reference(id);
		String token = requireAck ? AckTokens.newToken() : null;
		Instant tokenExpiry = !requireAck ? null
				: ackDeadline != null ? ackDeadline : now.plus(settings.linkValidity());
		Map<String, Object> values = new HashMap<>(params);
		values.put("clientName", r.clientName().strip());
		values.put("firm", "en".equals(language) ? settings.firmNameEn() : settings.firmNameZh());
		values.put("ref", ref);
		if (token != null) {
			values.put("link", publicAddress.url("/ack/" + token));
		}
		if (ackDeadline != null) {
			String formatted = DEADLINE.format(ackDeadline.atZone(SHANGHAI));
			values.put("ackDeadline", formatted);
			values.putIfAbsent("deadline", formatted);
		}
		Map<Channel, Rendered> rendered = new LinkedHashMap<>();
		for (Channel channel : channels) {
			if (channel == Channel.SMS) {
				String body = templates.render(type, language, "sms", values);
				rendered.put(channel, new Rendered(phone, null, body, SmsSegments.of(body)));
			}
			else {
				String subject = templates.render(type, language, "subject", values);
				String body = templates.render(type, language, "email", values);
				rendered.put(channel, new Rendered(email, subject, body, null));
			}
		}
		Map<String, Object> canonical = new TreeMap<>();
		canonical.put("type", type.name());
		canonical.put("clientId", r.clientId().strip());
		canonical.put("clientName", r.clientName().strip());
		canonical.put("phone", phone);
		canonical.put("email", email);
		canonical.put("channels", channels.stream().map(Enum::name).toList());
		canonical.put("params", params);
		canonical.put("requireAck", requireAck);
		canonical.put("ackDeadline", ackDeadline == null ? null : ackDeadline.toString());
		canonical.put("language", language);
		String paramsJson = json.writeValueAsString(params);
		String requestHash = AckTokens.sha256Hex(json.writeValueAsBytes(canonical));
		return new Item(null, id, type, r.clientId().strip(), r.clientName().strip(), phone, email, channels,
				language, paramsJson, requireAck, ackDeadline, blank(r.idempotencyKey()) ? null : r.idempotencyKey(),
				requestHash, token == null ? null : AckTokens.hash(token), tokenExpiry, rendered);
	}

	private static List<String> parts(Channel channel) {
		return channel == Channel.SMS ? List.of("sms") : List.of("subject", "email");
	}

	private List<Result> persist(List<Item> items, String submittedBy) {
		Instant now = clock.instant();
		Timestamp ts = Timestamp.from(now);
		List<Result> results = tx.execute(status -> {
			Set<String> addresses = new HashSet<>();
			for (Item item : items) {
				if (item.phone != null) {
					addresses.add(item.phone);
				}
				if (item.email != null) {
					addresses.add(item.email);
				}
			}
			Set<String> optedOut = new HashSet<>(jdbc.sql("select address from contact_opt_out where address = any(?)")
				.param(addresses.toArray(String[]::new))
				.query(String.class)
				.list());
			int[] inserted = jdbcTemplate.batchUpdate("""
					insert into notice (id, ref, type, client_id, client_name, phone, email, channels, language, params,
					                    require_ack, ack_deadline, idempotency_key, request_hash, submitted_by, status,
					                    opted_out, ack_token_hash, ack_token_expires_at, created_at, updated_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)
					on conflict (submitted_by, idempotency_key) do nothing""", new org.springframework.jdbc.core.BatchPreparedStatementSetter() {
				@Override
				public void setValues(PreparedStatement ps, int i) throws java.sql.SQLException {
					Item item = items.get(i);
					Array channels = ps.getConnection().createArrayOf("text",
							item.channels.stream().map(Enum::name).toArray());
					ps.setObject(1, item.id);
					ps.setString(2, Ids.reference(item.id));
					ps.setString(3, item.type.name());
					ps.setString(4, item.clientId);
					ps.setString(5, item.clientName);
					ps.setString(6, item.phone);
					ps.setString(7, item.email);
					ps.setArray(8, channels);
					ps.setString(9, item.language);
					ps.setString(10, item.paramsJson);
					ps.setBoolean(11, item.requireAck);
					ps.setTimestamp(12, item.ackDeadline == null ? null : Timestamp.from(item.ackDeadline));
					ps.setString(13, item.idempotencyKey);
					ps.setString(14, item.requestHash);
					ps.setString(15, submittedBy);
					ps.setBoolean(16, optedOut.contains(item.phone) || optedOut.contains(item.email));
					ps.setString(17, item.tokenHash);
					ps.setTimestamp(18, item.tokenExpiry == null ? null : Timestamp.from(item.tokenExpiry));
					ps.setTimestamp(19, ts);
					ps.setTimestamp(20, ts);
				}

				@Override
				public int getBatchSize() {
					return items.size();
				}
			});
			List<Result> out = new ArrayList<>();
			List<UUID> withSkipped = new ArrayList<>();
			List<Object[]> attempts = new ArrayList<>();
			List<Object[]> events = new ArrayList<>();
			for (int i = 0; i < items.size(); i++) {
				Item item = items.get(i);
				if (inserted[i] == 0) {
					out.add(existing(item, submittedBy));
					continue;
				}
				boolean regulatory = settings.regulatoryTypes().contains(item.type);
				for (Map.Entry<Channel, Rendered> e : item.rendered.entrySet()) {
					Rendered rd = e.getValue();
					boolean skip = !regulatory && optedOut.contains(rd.destination());
					if (skip) {
						withSkipped.add(item.id);
					}
					AttemptStatus st = skip ? AttemptStatus.SKIPPED : AttemptStatus.PENDING;
					attempts.add(new Object[] { item.id, e.getKey().name(), rd.destination(), st.name(), st.rank(), ts,
							skip ? null : ts, rd.subject(), rd.body(),
							rd.segments() == null ? null : rd.segments().segments(),
							rd.segments() == null ? null : rd.segments().encoding(), ts, ts,
							skip ? "client opted out and " + item.type + " is not a regulatory notice" : null,
							skip ? ts : null });
				}
				boolean anyOptOut = optedOut.contains(item.phone) || optedOut.contains(item.email);
				events.add(new Object[] { item.id, ts, "ACCEPTED", json.writeValueAsString(Map.of("by", submittedBy,
						"channels", item.channels.stream().map(Enum::name).toList(), "optedOut", anyOptOut,
						"regulatory", regulatory)) });
				out.add(new Result(new Accepted(item.id, NoticeStatus.PENDING, true, false), null));
			}
			jdbcTemplate.batchUpdate("""
					insert into notice_attempt (notice_id, channel, destination, status, status_rank, next_attempt_at,
					                            enqueued_at, subject, body, segments, encoding, created_at, updated_at,
					                            error_message, final_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", attempts);
			jdbcTemplate.batchUpdate("insert into notice_event (notice_id, at, kind, detail) values (?, ?, ?, ?::jsonb)",
					events);
			withSkipped.stream().distinct().forEach(id -> store.refreshStatus(id, now));
			return out;
		});
		List<UUID> created = new ArrayList<>();
		for (Result result : results) {
			if (result.accepted() != null && result.accepted().created()) {
				created.add(result.accepted().id());
			}
		}
		if (!created.isEmpty()) {
			accepted.increment(created.size());
			enqueue(created);
		}
		return results;
	}

	private void enqueue(List<UUID> noticeIds) {
		try {
			List<Map<String, Object>> rows = jdbc
				.sql("select id, channel from notice_attempt where notice_id = any(?) and status = 'PENDING'")
				.param(noticeIds.toArray(UUID[]::new))
				.query()
				.listOfRows();
			Map<String, List<String>> byQueue = new HashMap<>();
			for (Map<String, Object> row : rows) {
				byQueue.computeIfAbsent(NoticeDispatcher.queueName((String) row.get("channel")), k -> new ArrayList<>())
					.add(String.valueOf(row.get("id")));
			}
			byQueue.forEach(queue::enqueue);
		}
		catch (RuntimeException ex) {
			// Committed already: the reconciler queues these attempts once Redis answers again.
			log.warn("Could not queue {} accepted notices now; the reconciler will: {}", noticeIds.size(),
					ex.toString());
		}
	}

	private Result existing(Item item, String submittedBy) {
		Map<String, Object> row = jdbc
			.sql("select id, status, request_hash from notice where submitted_by = ? and idempotency_key = ?")
			.params(submittedBy, item.idempotencyKey)
			.query()
			.singleRow();
		UUID id = (UUID) row.get("id");
		boolean differs = !item.requestHash.equals(row.get("request_hash"));
		if (differs) {
			// The key decides: the first notice stands and nothing is sent again; the caller is told.
			log.warn("idempotencyKey {} of {} reused with a different request: returning notice {} unchanged",
					item.idempotencyKey, submittedBy, id);
		}
		return new Result(new Accepted(id, NoticeStatus.valueOf((String) row.get("status")), false, differs), null);
	}

	private static void requireText(List<FieldError> errors, String field, String value, int max) {
		if (blank(value)) {
			errors.add(error(field, "required", "is required"));
		}
		else if (value.strip().length() > max) {
			errors.add(error(field, "too-long", "is longer than " + max + " characters", max));
		}
	}

	private static FieldError error(String field, String code, String message, Object... args) {
		return FieldError.of(field, code, message, args);
	}

	private static boolean blank(String s) {
		return s == null || s.isBlank();
	}

	/**
	 * A notice accepted now ({@code created}) or earlier under the same idempotency key; {@code requestDiffers}
	 * when that earlier request was not the same as this one (the earlier one stands).
	 */
	public record Accepted(UUID id, NoticeStatus status, boolean created, boolean requestDiffers) {
	}

	/** One batch item's outcome: accepted, or the errors that kept it out. */
	public record Result(Accepted accepted, List<FieldError> errors) {
	}

	private record Rendered(String destination, String subject, String body, SmsSegments segments) {
	}

	private record Item(List<FieldError> errors, UUID id, NoticeType type, String clientId,
			String clientName, String phone, String email, EnumSet<Channel> channels, String language,
			String paramsJson, boolean requireAck, Instant ackDeadline, String idempotencyKey, String requestHash,
			String tokenHash, Instant tokenExpiry, Map<Channel, Rendered> rendered) {

		static Item rejected(List<FieldError> errors) {
			return new Item(errors, null, null, null, null, null, null, null, null, null, false, null, null, null,
					null, null, null);
		}
	}

}
