package ackline.callback;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.evidence.Sha256;
import ackline.id.Ids;
import ackline.phone.InvalidPhoneNumberException;
import ackline.phone.PhoneNumbers;
import ackline.validation.FieldError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Accepts call-back tasks: validates, fills in the defaults of the type, and queues them, once per idempotency key. */
public class CallbackIntake {

	private static final Logger log = LoggerFactory.getLogger(CallbackIntake.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final CallbackSettings settings;

	private final CallingWindows windows;

	private final CallScripts scripts;

	private final PhoneNumbers phones;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	CallbackIntake(JdbcClient jdbc, TransactionTemplate tx, CallbackSettings settings, CallingWindows windows,
			CallScripts scripts, PhoneNumbers phones, ApplicationEventPublisher events, Clock clock) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.settings = settings;
		this.windows = windows;
		this.scripts = scripts;
		this.phones = phones;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * A task accepted now ({@code created}) or earlier under the same idempotency key ({@code requestDiffers} when the
	 * body was not the same).
	 */
	public record Accepted(UUID id, String reference, TaskState state, Instant dueBy, boolean created,
			boolean requestDiffers) {
	}

	public Accepted accept(CallbackRequest r, String caller) {
		Instant now = clock.instant();
		List<FieldError> errors = new ArrayList<>();
		CallbackType type = null;
		if (r == null) {
			throw CallbackRejected.of("type", "body.required", "a call-back task is required");
		}
		if (blank(r.type())) {
			errors.add(FieldError.of("type", "callback.type.required", "is required"));
		}
		else {
			try {
				type = CallbackType.valueOf(r.type().strip().toUpperCase());
			}
			catch (IllegalArgumentException ex) {
				errors.add(FieldError.of("type", "callback.type.unknown", "is not a call-back type", r.type()));
			}
		}
		if (blank(r.clientId())) {
			errors.add(FieldError.of("clientId", "clientId.required", "is required"));
		}
		else if (r.clientId().length() > 64) {
			errors.add(FieldError.of("clientId", "clientId.length", "must be at most 64 characters"));
		}
		if (r.clientName() != null && r.clientName().length() > 100) {
			errors.add(FieldError.of("clientName", "clientName.length", "must be at most 100 characters"));
		}
		String phone = null;
		if (blank(r.phone())) {
			errors.add(FieldError.of("phone", "callback.phone.required", "is required"));
		}
		else {
			try {
				phone = phones.normalize(r.phone());
			}
			catch (InvalidPhoneNumberException ex) {
				errors.add(FieldError.of("phone", "phone.invalid", ex.getMessage(), r.phone()));
			}
		}
		if (r.priority() != null && (r.priority() < 0 || r.priority() > 9)) {
			errors.add(FieldError.of("priority", "priority.range", "must be 0 to 9", r.priority()));
		}
		if (r.agentId() != null && (r.agentId().isBlank() || r.agentId().length() > 64)) {
			errors.add(FieldError.of("agentId", "agentId.invalid", "must be 1 to 64 characters"));
		}
		if (r.team() != null && (r.team().isBlank() || r.team().length() > 64)) {
			errors.add(FieldError.of("team", "team.invalid", "must be 1 to 64 characters"));
		}
		if (r.idempotencyKey() != null && (r.idempotencyKey().isBlank() || r.idempotencyKey().length() > 200)) {
			errors.add(FieldError.of("idempotencyKey", "idempotencyKey.length", "must be 1 to 200 characters"));
		}
		String scriptId = null;
		if (r.scriptId() != null) {
			if (scripts.byId(r.scriptId()) == null) {
				errors.add(FieldError.of("scriptId", "scriptId.unknown", "is not a known script", r.scriptId()));
			}
			else {
				scriptId = r.scriptId();
			}
		}
		else if (type != null) {
			scriptId = scripts.forType(type).id();
		}
		Instant earliest = r.earliest() == null ? now : r.earliest().toInstant();
		Instant dueBy = null;
		if (type != null) {
			if (r.dueBy() != null) {
				dueBy = r.dueBy().toInstant();
				if (!dueBy.isAfter(earliest)) {
					errors.add(FieldError.of("dueBy", "dueBy.beforeEarliest", "must be after earliest"));
				}
			}
			else if (type == CallbackType.NEW_ACCOUNT && r.openedOn() == null) {
				errors.add(FieldError.of("openedOn", "openedOn.required",
						"is required for NEW_ACCOUNT when dueBy is not given (due 5 business days after opening)"));
			}
			else {
				LocalDate from = r.openedOn() != null ? r.openedOn()
						: earliest.atZone(CallingWindows.ZONE).toLocalDate();
				dueBy = windows.defaultDue(type, from);
				if (!windows.covers(from.getYear()) || !windows.covers(dueBy.atZone(CallingWindows.ZONE).getYear())) {
					log.warn("Holiday calendar does not cover {}: due date of a {} task counted without holidays; "
							+ "update ackline.calendar.location", from.getYear(), type);
				}
			}
		}
		if (!errors.isEmpty()) {
			throw new CallbackRejected(errors);
		}
		CallbackSettings.TypePolicy policy = settings.policy(type);
		int priority = r.priority() == null ? policy.priority() : r.priority();
		boolean recordRequired = r.recordRequired() == null || r.recordRequired();
		String requestHash = Sha256.hex(r.toString());
		UUID id = Ids.newId(clock);
		String reference = Ids.reference(id);
		CallbackType t = type;
		String ph = phone;
		String script = scriptId;
		Instant due = dueBy;
		return tx.execute(status -> {
			int inserted = jdbc.sql("""
					insert into callback_task (id, reference, type, client_id, client_name, phone, earliest, due_by, priority,
					    agent_id, team, script_id, record_required, notice_id, state, next_attempt_at, max_attempts,
					    retry_interval, caller, idempotency_key, request_hash, created_at, updated_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?::interval, ?, ?, ?, ?, ?)
					on conflict (caller, idempotency_key) where idempotency_key is not null do nothing""")
				.params(id, reference, t.name(), r.clientId().strip(), r.clientName(), ph, ts(earliest), ts(due), priority,
						r.agentId(), r.team(), script, recordRequired, r.noticeId(), ts(earliest), policy.maxAttempts(),
						policy.retryInterval().getSeconds() + " seconds", caller, r.idempotencyKey(), requestHash,
						ts(now), ts(now))
				.update();
			if (inserted == 0) {
				Map<String, Object> row = jdbc
					.sql("select id, reference, state, due_by, request_hash from callback_task where caller = ? and idempotency_key = ?")
					.params(caller, r.idempotencyKey())
					.query()
					.singleRow();
				boolean differs = !requestHash.equals(row.get("request_hash"));
				if (differs) {
					log.warn("idempotencyKey {} of {} reused with a different call-back request: returning task {} unchanged",
							r.idempotencyKey(), caller, row.get("id"));
				}
				return new Accepted((UUID) row.get("id"), (String) row.get("reference"),
						TaskState.valueOf((String) row.get("state")), ((Timestamp) row.get("due_by")).toInstant(), false,
						differs);
			}
			CallbackStore.event(jdbc, id, now, "CREATED", Map.of("caller", caller, "type", t.name(), "dueBy",
					due.toString(), "priority", priority));
			events.publishEvent(new CallbackEvents.TaskCreated(id, t, r.clientId().strip(), r.agentId(), r.team(), due, now));
			return new Accepted(id, reference, TaskState.QUEUED, due, true, false);
		});
	}

	private static boolean blank(String s) {
		return s == null || s.isBlank();
	}

	static Timestamp ts(Instant i) {
		return i == null ? null : Timestamp.from(i);
	}


}
