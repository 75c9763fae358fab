package ackline.callback;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Reads tasks, calls and their timelines, each in one consistent snapshot. */
public class CallbackQueries {

	private final JdbcClient jdbc;

	private final TransactionTemplate snapshot;

	private final CallScripts scripts;

	private final IvrPrompts prompts;

	private final Clock clock;

	CallbackQueries(JdbcClient jdbc, PlatformTransactionManager transactions, CallScripts scripts, IvrPrompts prompts,
			Clock clock) {
		this.prompts = prompts;
		this.jdbc = jdbc;
		this.snapshot = new TransactionTemplate(transactions);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.snapshot.setReadOnly(true);
		this.scripts = scripts;
		this.clock = clock;
	}

	/** The task with its script, calls (each with its events and recording), disposition and history. */
	public Optional<Map<String, Object>> task(UUID id) {
		return Optional.ofNullable(snapshot.execute(status -> {
			List<Map<String, Object>> rows = jdbc.sql("select * from callback_task where id = ?").param(id).query()
				.listOfRows();
			if (rows.isEmpty()) {
				return null;
			}
			Map<String, Object> view = taskView(rows.get(0), clock.instant());
			CallScripts.Script script = scripts.byId((String) rows.get(0).get("script_id"));
			if (script != null) {
				view.put("script", script);
			}
			List<Map<String, Object>> calls = new ArrayList<>();
			for (Map<String, Object> call : jdbc.sql("select * from call where task_id = ? order by created_at").param(id)
				.query().listOfRows()) {
				calls.add(callView(call));
			}
			view.put("calls", calls);
			view.put("notes", TaskNotes.list(jdbc, id));
			view.put("history", jdbc.sql("select at, kind, detail from callback_event where task_id = ? order by seq")
				.param(id).query().listOfRows().stream().map(r -> {
					Map<String, Object> e = new LinkedHashMap<>();
					e.put("at", Transitions.instant(r.get("at")));
					e.put("kind", r.get("kind"));
					e.put("detail", json(r.get("detail")));
					return e;
				}).toList());
			return view;
		}));
	}

	/** One call with its events and recording. */
	public Optional<Map<String, Object>> call(UUID id) {
		return Optional.ofNullable(snapshot.execute(status -> jdbc.sql("select * from call where id = ?").param(id)
			.query().listOfRows().stream().findFirst().map(this::callView).orElse(null)));
	}

	/** Calls about a notice (IVR calls and calls of follow-up tasks), oldest first. */
	public List<Map<String, Object>> callsForNotice(UUID noticeId) {
		return snapshot.execute(status -> jdbc.sql("""
				select * from call where notice_id = ? order by created_at""").param(noticeId).query().listOfRows()
			.stream().map(this::callView).toList());
	}

	/** Tasks, newest first, filtered by state, type, overdue (open and past due), agent (reserved or working). */
	public List<Map<String, Object>> tasks(TaskState state, CallbackType type, Boolean overdue, String agentId,
			String clientId, int limit) {
		Instant now = clock.instant();
		StringBuilder sql = new StringBuilder("select * from callback_task where true");
		List<Object> params = new ArrayList<>();
		if (state != null) {
			sql.append(" and state = ?");
			params.add(state.name());
		}
		if (type != null) {
			sql.append(" and type = ?");
			params.add(type.name());
		}
		if (overdue != null) {
			sql.append(overdue ? " and state not in ('DONE', 'FAILED', 'CANCELLED') and due_by < ?"
					: " and not (state not in ('DONE', 'FAILED', 'CANCELLED') and due_by < ?)");
			params.add(Timestamp.from(now));
		}
		if (agentId != null) {
			sql.append(" and (agent_id = ? or offered_to = ?)");
			params.add(agentId);
			params.add(agentId);
		}
		if (clientId != null) {
			sql.append(" and client_id = ?");
			params.add(clientId);
		}
		sql.append(overdue != null && overdue ? " order by due_by limit ?" : " order by created_at desc limit ?");
		params.add(limit);
		return jdbc.sql(sql.toString()).params(params).query().listOfRows().stream().map(r -> taskView(r, now)).toList();
	}

	/** Whether the agent may see the task: reserved for, offered to or worked by the agent. */
	public boolean visibleTo(UUID taskId, String agentId) {
		return jdbc.sql("""
				select count(*) from callback_task t where t.id = ? and (t.agent_id = ? or t.offered_to = ?
				    or exists (select 1 from call c where c.task_id = t.id and c.agent_id = ?))""")
			.params(taskId, agentId, agentId, agentId)
			.query(Long.class)
			.single() > 0;
	}

	/** Whether the task is reserved for (assigned to) or offered to the agent: the agent may write notes on it. */
	public boolean assignedTo(UUID taskId, String agentId) {
		return jdbc.sql("select count(*) from callback_task where id = ? and (agent_id = ? or offered_to = ?)")
			.params(taskId, agentId, agentId)
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * Whether the client has a task the agent is working now: open, and reserved for or offered to the agent (the
	 * agent may then read the client's history).
	 */
	public boolean clientOfAgentsTask(String clientId, String agentId) {
		return jdbc.sql("""
				select count(*) from callback_task
				where client_id = ? and state not in ('DONE', 'FAILED', 'CANCELLED') and (agent_id = ? or offered_to = ?)""")
			.params(clientId, agentId, agentId)
			.query(Long.class)
			.single() > 0;
	}

	/** A client's task, as the client's history lists it. */
	public record ClientTask(UUID id, String type, String state, Instant dueBy, String disposition, String agentId,
			Instant closedAt) {
	}

	/** A client's call, as the client's history lists it; {@code recording} has its state and evidence id. */
	public record ClientCall(UUID id, UUID taskId, String agentId, Instant startedAt, Instant answeredAt, Instant endedAt,
			String outcome, String disposition, Map<String, Object> recording) {
	}

	/** The client's tasks and calls (agent and IVR calls), newest first, up to {@code limit} of each. */
	public ClientActivity clientActivity(String clientId, int limit) {
		return snapshot.execute(status -> {
			List<ClientTask> tasks = jdbc.sql("""
					select id, type, state, due_by, disposition, coalesce(offered_to, agent_id) as agent, completed_at
					from callback_task where client_id = ? order by created_at desc, id desc limit ?""")
				.params(clientId, limit)
				.query((rs, n) -> new ClientTask(rs.getObject("id", UUID.class), rs.getString("type"),
						rs.getString("state"), Transitions.instant(rs.getTimestamp("due_by")), rs.getString("disposition"),
						rs.getString("agent"), Transitions.instant(rs.getTimestamp("completed_at"))))
				.list();
			List<ClientCall> calls = jdbc.sql("""
					select c.id, c.task_id, c.agent_id, c.created_at, c.answered_at, c.ended_at, c.outcome,
					       t.disposition, c.recording_state, c.recording_evidence
					from call c left join callback_task t on t.id = c.task_id
					where coalesce(c.client_id, t.client_id) = ? order by c.created_at desc, c.id desc limit ?""")
				.params(clientId, limit)
				.query((rs, n) -> {
					Map<String, Object> recording = new LinkedHashMap<>();
					recording.put("state", rs.getString("recording_state"));
					recording.put("evidenceId", rs.getObject("recording_evidence", UUID.class));
					return new ClientCall(rs.getObject("id", UUID.class), rs.getObject("task_id", UUID.class),
							rs.getString("agent_id"), Transitions.instant(rs.getTimestamp("created_at")),
							Transitions.instant(rs.getTimestamp("answered_at")), Transitions.instant(rs.getTimestamp("ended_at")),
							rs.getString("outcome"), rs.getString("disposition"), recording);
				})
				.list();
			return new ClientActivity(tasks, calls);
		});
	}

	/** A client's tasks and calls, newest first. */
	public record ClientActivity(List<ClientTask> tasks, List<ClientCall> calls) {
	}

	/** Open tasks per type and state, and how many are overdue: the queue's depth. */
	public List<Map<String, Object>> depth() {
		return jdbc.sql("""
				select type, state, count(*) as tasks, count(*) filter (where due_by < ?) as overdue
				from callback_task where state not in ('DONE', 'FAILED', 'CANCELLED') group by type, state order by type, state""")
			.param(Timestamp.from(clock.instant()))
			.query()
			.listOfRows();
	}

	/** Figures for health: calls in flight, recordings waiting for the store, recordings missing in the last day. */
	public Map<String, Object> dialerFigures() {
		return jdbc.sql("""
				select (select count(*) from call where state <> 'ENDED') as "callsInFlight",
				       (select count(*) from call where recording_state = 'PENDING' and state = 'ENDED') as "recordingsPending",
				       (select count(*) from call where recording_state = 'MISSING' and ended_at > ?) as "recordingsMissing24h",
				       (select count(*) from callback_task where state not in ('DONE', 'FAILED', 'CANCELLED') and due_by < ?)
				           as "tasksOverdue"
				""")
			.params(Timestamp.from(clock.instant().minus(java.time.Duration.ofDays(1))), Timestamp.from(clock.instant()))
			.query()
			.singleRow();
	}

	/**
	 * Calls that should have a recording and have none (recording state MISSING, since ever): how many, and the ids
	 * of the {@code limit} most recent; for evidence verification, where a call without its recording is an alarm.
	 */
	public MissingRecordings missingRecordings(int limit) {
		long calls = jdbc.sql("select count(*) from call where recording_state = 'MISSING'").query(Long.class).single();
		List<UUID> latest = calls == 0 ? List.of()
				: jdbc.sql("select id from call where recording_state = 'MISSING' order by ended_at desc nulls last, id limit ?")
					.param(limit)
					.query(UUID.class)
					.list();
		return new MissingRecordings(calls, latest);
	}

	/** How many calls lack the recording they should have, and the most recent of them. */
	public record MissingRecordings(long calls, List<UUID> latest) {
	}

	/**
	 * Which stored call recordings to list; null parts match everything.
	 * @param type a call-back task type, or {@code IVR} for automated notice calls
	 * @param from calls started at or after this instant
	 * @param to calls started before this instant
	 * @param acknowledged a call-back the client confirmed ({@code REACHED_CONFIRMED}), an IVR call where the client
	 * pressed the confirmation digit
	 */
	public record RecordingFilter(String clientId, String agentId, String type, Instant from, Instant to,
			Long minSeconds, Long maxSeconds, String disposition, Boolean acknowledged) {
	}

	/** One page of recordings, newest call first, and how many match in all. */
	public record RecordingPage(List<Map<String, Object>> content, long total) {
	}

	private static final String RECORDINGS = """
			select * from (
			    select c.recording_evidence as id, c.id as call_id, c.task_id, c.notice_id,
			           coalesce(c.client_id, t.client_id) as client_id, c.agent_id, c.kind,
			           case when c.kind = 'IVR' then 'IVR' else t.type end as type,
			           coalesce(c.answered_at, c.created_at) as started_at,
			           coalesce(floor(extract(epoch from (c.ended_at - coalesce(c.answered_at, c.created_at))))::bigint, 0)
			               as duration_seconds,
			           c.outcome, t.disposition,
			           case when c.kind = 'IVR' then position(? in coalesce(c.digits, '')) > 0
			                else coalesce(t.disposition = 'REACHED_CONFIRMED', false) end as acknowledged,
			           c.recording_sha256 as sha256, c.recording_bytes as bytes
			    from call c left join callback_task t on t.id = c.task_id
			    where c.recording_state = 'STORED' and c.recording_evidence is not null) r
			where true""";

	/** Stored call recordings (the evidence id is the recording's {@code id}), newest call first. */
	public RecordingPage recordings(RecordingFilter filter, int page, int size) {
		StringBuilder where = new StringBuilder();
		List<Object> params = new ArrayList<>();
		params.add(prompts.confirmDigit());
		if (filter.clientId() != null) {
			where.append(" and r.client_id = ?");
			params.add(filter.clientId());
		}
		if (filter.agentId() != null) {
			where.append(" and r.agent_id = ?");
			params.add(filter.agentId());
		}
		if (filter.type() != null) {
			where.append(" and r.type = ?");
			params.add(filter.type());
		}
		if (filter.from() != null) {
			where.append(" and r.started_at >= ?");
			params.add(Timestamp.from(filter.from()));
		}
		if (filter.to() != null) {
			where.append(" and r.started_at < ?");
			params.add(Timestamp.from(filter.to()));
		}
		if (filter.minSeconds() != null) {
			where.append(" and r.duration_seconds >= ?");
			params.add(filter.minSeconds());
		}
		if (filter.maxSeconds() != null) {
			where.append(" and r.duration_seconds <= ?");
			params.add(filter.maxSeconds());
		}
		if (filter.disposition() != null) {
			where.append(" and r.disposition = ?");
			params.add(filter.disposition());
		}
		if (filter.acknowledged() != null) {
			where.append(" and r.acknowledged = ?");
			params.add(filter.acknowledged());
		}
		return snapshot.execute(status -> {
			long total = jdbc.sql("select count(*) from (" + RECORDINGS + where + ") n").params(params).query(Long.class)
				.single();
			List<Object> pageParams = new ArrayList<>(params);
			pageParams.add(size);
			pageParams.add((long) page * size);
			List<Map<String, Object>> content = jdbc
				.sql(RECORDINGS + where + " order by r.started_at desc, r.call_id limit ? offset ?")
				.params(pageParams).query().listOfRows().stream().map(CallbackQueries::recordingView).toList();
			return new RecordingPage(content, total);
		});
	}

	/** The stored recording with this evidence id, as {@link #recordings} lists it. */
	public Optional<Map<String, Object>> recording(UUID evidenceId) {
		return jdbc.sql(RECORDINGS + " and r.id = ?").params(prompts.confirmDigit(), evidenceId).query().listOfRows()
			.stream().findFirst().map(CallbackQueries::recordingView);
	}

	private static Map<String, Object> recordingView(Map<String, Object> r) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("id", r.get("id"));
		v.put("callId", r.get("call_id"));
		v.put("taskId", r.get("task_id"));
		v.put("noticeId", r.get("notice_id"));
		v.put("clientId", r.get("client_id"));
		v.put("agentId", r.get("agent_id"));
		v.put("type", r.get("type"));
		v.put("startedAt", Transitions.instant(r.get("started_at")));
		v.put("durationSeconds", r.get("duration_seconds"));
		v.put("outcome", r.get("outcome"));
		v.put("disposition", r.get("disposition"));
		v.put("acknowledged", r.get("acknowledged"));
		v.put("sha256", r.get("sha256"));
		v.put("bytes", r.get("bytes"));
		return v;
	}

	private Map<String, Object> taskView(Map<String, Object> r, Instant now) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("id", r.get("id"));
		v.put("reference", r.get("reference"));
		v.put("type", r.get("type"));
		v.put("state", r.get("state"));
		v.put("clientId", r.get("client_id"));
		v.put("clientName", r.get("client_name"));
		v.put("phone", r.get("phone"));
		v.put("priority", r.get("priority"));
		v.put("earliest", Transitions.instant(r.get("earliest")));
		Instant due = Transitions.instant(r.get("due_by"));
		v.put("dueBy", due);
		boolean open = TaskState.valueOf((String) r.get("state")).isOpen();
		v.put("overdue", open && due.isBefore(now));
		v.put("agentId", r.get("agent_id"));
		v.put("team", r.get("team"));
		v.put("offeredTo", r.get("offered_to"));
		v.put("scriptId", r.get("script_id"));
		v.put("recordRequired", r.get("record_required"));
		v.put("noticeId", r.get("notice_id"));
		v.put("attempts", r.get("attempts"));
		v.put("maxAttempts", r.get("max_attempts"));
		v.put("nextAttemptAt", open ? Transitions.instant(r.get("next_attempt_at")) : null);
		v.put("disposition", r.get("disposition"));
		v.put("answers", json(r.get("answers")));
		v.put("missingAnswers", r.get("missing_answers") == null ? null
				: List.of(((String) r.get("missing_answers")).split(",")));
		// the disposition's free text; "notes" on a task's detail are the task's notes (TaskNotes)
		v.put("dispositionNotes", r.get("notes"));
		v.put("callBackAt", Transitions.instant(r.get("call_back_at")));
		v.put("failureReason", r.get("failure_reason"));
		v.put("createdAt", Transitions.instant(r.get("created_at")));
		v.put("completedAt", Transitions.instant(r.get("completed_at")));
		v.values().removeIf(java.util.Objects::isNull);
		return v;
	}

	private Map<String, Object> callView(Map<String, Object> c) {
		Map<String, Object> v = new LinkedHashMap<>();
		UUID id = (UUID) c.get("id");
		v.put("id", id);
		v.put("kind", c.get("kind"));
		v.put("state", c.get("state"));
		v.put("outcome", c.get("outcome"));
		v.put("taskId", c.get("task_id"));
		v.put("noticeId", c.get("notice_id"));
		v.put("agentId", c.get("agent_id"));
		v.put("phone", c.get("phone"));
		v.put("dialStatus", c.get("dial_status"));
		v.put("hangupCause", c.get("hangup_cause"));
		v.put("hangupCauseText", c.get("hangup_cause_text"));
		v.put("failure", c.get("failure"));
		v.put("digits", c.get("digits"));
		v.put("createdAt", Transitions.instant(c.get("created_at")));
		v.put("ringingAt", Transitions.instant(c.get("ringing_at")));
		v.put("answeredAt", Transitions.instant(c.get("answered_at")));
		v.put("endedAt", Transitions.instant(c.get("ended_at")));
		Instant answered = Transitions.instant(c.get("answered_at"));
		Instant ended = Transitions.instant(c.get("ended_at"));
		if (answered != null && ended != null) {
			v.put("talkSeconds", java.time.Duration.between(answered, ended).toSeconds());
		}
		Map<String, Object> recording = new LinkedHashMap<>();
		recording.put("state", c.get("recording_state"));
		recording.put("file", c.get("recording_file"));
		recording.put("startedAt", Transitions.instant(c.get("recording_started")));
		recording.put("evidenceId", c.get("recording_evidence"));
		recording.put("sha256", c.get("recording_sha256"));
		recording.put("bytes", c.get("recording_bytes"));
		recording.values().removeIf(java.util.Objects::isNull);
		v.put("recording", recording);
		v.put("events", jdbc.sql("""
				select kind, name, leg, channel, unique_id, at, detail from call_event where call_id = ? order by seq""")
			.param(id).query().listOfRows().stream().map(e -> {
				Map<String, Object> ev = new LinkedHashMap<>();
				ev.put("at", Transitions.instant(e.get("at")));
				ev.put("kind", e.get("kind"));
				ev.put("name", e.get("name"));
				ev.put("leg", e.get("leg"));
				ev.put("channel", e.get("channel"));
				ev.put("uniqueId", e.get("unique_id"));
				ev.put("detail", json(e.get("detail")));
				ev.values().removeIf(java.util.Objects::isNull);
				return ev;
			}).toList());
		v.values().removeIf(java.util.Objects::isNull);
		return v;
	}

	private static Object json(Object pg) {
		if (pg == null) {
			return null;
		}
		JsonNode node = CallbackStore.JSON.readTree(pg.toString());
		return CallbackStore.JSON.convertValue(node, Object.class);
	}

}
