package ackline.callback;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The current state of agents, tasks, calls and queues as live consoles show them: one small row per entity, read
 * fresh from PostgreSQL (never from an event), so a message built from it is the latest truth when it is sent.
 */
public class LiveViews {

	private static final String OPEN = " state not in ('DONE', 'FAILED', 'CANCELLED')";

	private final JdbcClient jdbc;

	private final Clock clock;

	LiveViews(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	public Optional<Map<String, Object>> agent(String id) {
		return jdbc.sql("select * from agent where id = ?").param(id).query().listOfRows().stream().findFirst()
			.map(LiveViews::agentView);
	}

	public List<Map<String, Object>> agents() {
		return jdbc.sql("select * from agent order by id").query().listOfRows().stream().map(LiveViews::agentView).toList();
	}

	private static Map<String, Object> agentView(Map<String, Object> row) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("agentId", row.get("id"));
		view.put("state", row.get("state"));
		view.put("reason", row.get("reason"));
		view.put("mode", row.get("mode"));
		view.put("team", row.get("team"));
		view.put("since", Transitions.instant(row.get("since")));
		view.put("wrapUpUntil", Transitions.instant(row.get("wrap_up_until")));
		view.put("taskId", row.get("current_task"));
		view.put("callId", row.get("current_call"));
		return view;
	}

	public Optional<Map<String, Object>> task(UUID id) {
		return jdbc.sql(TASK + " where id = ?").param(id).query().listOfRows().stream().findFirst().map(this::taskView);
	}

	/** Open tasks, the most overdue first. */
	public List<Map<String, Object>> openTasks(int limit) {
		return jdbc.sql(TASK + " where " + OPEN + " order by due_by, id limit ?").param(limit).query().listOfRows().stream()
			.map(this::taskView).toList();
	}

	/** Open tasks offered to, worked by or reserved for the agent. */
	public List<Map<String, Object>> openTasksOf(String agentId) {
		return jdbc.sql(TASK + " where " + OPEN + " and (offered_to = ? or (agent_id = ? and state = 'QUEUED'))"
				+ " order by priority desc, due_by, id limit 200")
			.params(agentId, agentId).query().listOfRows().stream().map(this::taskView).toList();
	}

	/** Agents with an open task for the client (offered, in work, or reserved): who wants to hear from that client. */
	public List<String> agentsWorkingFor(String clientId) {
		return jdbc.sql("select distinct coalesce(offered_to, agent_id) from callback_task where client_id = ? and " + OPEN
				+ " and coalesce(offered_to, agent_id) is not null")
			.param(clientId).query(String.class).list();
	}

	private static final String TASK = """
			select id, type, client_id, client_name, state, agent_id, offered_to, priority, due_by, attempts, max_attempts,
			       next_attempt_at, failure_reason, disposition, updated_at from callback_task""";

	private Map<String, Object> taskView(Map<String, Object> row) {
		Map<String, Object> view = new LinkedHashMap<>();
		Instant due = Transitions.instant(row.get("due_by"));
		view.put("taskId", row.get("id"));
		view.put("type", row.get("type"));
		view.put("clientId", row.get("client_id"));
		view.put("clientName", row.get("client_name"));
		view.put("state", row.get("state"));
		view.put("agentId", row.get("offered_to") != null ? row.get("offered_to") : row.get("agent_id"));
		view.put("reservedFor", row.get("agent_id"));
		view.put("priority", row.get("priority"));
		view.put("dueBy", due);
		view.put("overdue", due != null && due.isBefore(clock.instant())
				&& TaskState.valueOf((String) row.get("state")).isOpen());
		view.put("attempts", row.get("attempts"));
		view.put("maxAttempts", row.get("max_attempts"));
		view.put("nextAttemptAt", Transitions.instant(row.get("next_attempt_at")));
		view.put("disposition", row.get("disposition"));
		view.put("reason", row.get("failure_reason"));
		view.put("updatedAt", Transitions.instant(row.get("updated_at")));
		return view;
	}

	/** One type's queue: waiting, offered, being worked, overdue. */
	public Map<String, Object> queue(CallbackType type) {
		Map<String, Object> row = jdbc.sql("""
				select count(*) filter (where state = 'QUEUED') as queued,
				       count(*) filter (where state = 'OFFERED') as offered,
				       count(*) filter (where state in ('DIALING', 'IN_CALL', 'WRAP_UP')) as in_progress,
				       count(*) filter (where due_by < ?) as overdue
				from callback_task where type = ? and """ + OPEN)
			.params(Timestamp.from(clock.instant()), type.name()).query().singleRow();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("type", type.name());
		view.put("queued", row.get("queued"));
		view.put("offered", row.get("offered"));
		view.put("inProgress", row.get("in_progress"));
		view.put("overdue", row.get("overdue"));
		return view;
	}

	public List<Map<String, Object>> queues() {
		return java.util.Arrays.stream(CallbackType.values()).map(this::queue).toList();
	}

	public Optional<Map<String, Object>> call(UUID id) {
		return jdbc.sql(CALL + " where id = ?").param(id).query().listOfRows().stream().findFirst().map(LiveViews::callView);
	}

	/** Calls in progress, and those that ended since {@code endedSince}, newest first. */
	public List<Map<String, Object>> calls(Instant endedSince) {
		return jdbc.sql(CALL + " where state <> 'ENDED' or ended_at > ? order by created_at desc limit 500")
			.param(Timestamp.from(endedSince)).query().listOfRows().stream().map(LiveViews::callView).toList();
	}

	private static final String CALL = """
			select id, kind, task_id, notice_id, agent_id, client_id, state, outcome, hangup_cause_text, recording_state,
			       recording_evidence, recording_started, created_at, ringing_at, answered_at, ended_at from call""";

	private static Map<String, Object> callView(Map<String, Object> row) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("callId", row.get("id"));
		view.put("kind", row.get("kind"));
		view.put("taskId", row.get("task_id"));
		view.put("noticeId", row.get("notice_id"));
		view.put("agentId", row.get("agent_id"));
		view.put("clientId", row.get("client_id"));
		view.put("state", row.get("state"));
		view.put("outcome", row.get("outcome"));
		view.put("hangupCause", row.get("hangup_cause_text"));
		view.put("startedAt", Transitions.instant(row.get("created_at")));
		view.put("ringingAt", Transitions.instant(row.get("ringing_at")));
		view.put("answeredAt", Transitions.instant(row.get("answered_at")));
		view.put("endedAt", Transitions.instant(row.get("ended_at")));
		Map<String, Object> recording = new LinkedHashMap<>();
		recording.put("state", row.get("recording_state"));
		recording.put("recording", row.get("recording_started") != null && row.get("ended_at") == null);
		recording.put("evidenceId", row.get("recording_evidence"));
		view.put("recording", recording);
		return view;
	}

	/** Tasks by state, overdue tasks, calls in progress and agents by state, for the wallboard. */
	public Map<String, Object> figures() {
		Instant now = clock.instant();
		Map<String, Object> tasks = jdbc.sql("""
				select count(*) filter (where state = 'QUEUED') as queued,
				       count(*) filter (where state = 'OFFERED') as offered,
				       count(*) filter (where state in ('DIALING', 'IN_CALL', 'WRAP_UP')) as in_progress,
				       count(*) filter (where due_by < ?) as overdue
				from callback_task where """ + OPEN)
			.param(Timestamp.from(now)).query().singleRow();
		Map<String, Object> taskView = new LinkedHashMap<>();
		taskView.put("queued", tasks.get("queued"));
		taskView.put("offered", tasks.get("offered"));
		taskView.put("inProgress", tasks.get("in_progress"));
		taskView.put("overdue", tasks.get("overdue"));
		Map<AgentState, Long> agents = new EnumMap<>(AgentState.class);
		for (AgentState state : AgentState.values()) {
			agents.put(state, 0L);
		}
		jdbc.sql("select state, count(*) as n from agent group by state").query()
			.listOfRows().forEach(r -> agents.put(AgentState.valueOf((String) r.get("state")), ((Number) r.get("n")).longValue()));
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("tasks", taskView);
		view.put("callsInProgress", jdbc.sql("select count(*) from call where state <> 'ENDED'").query(Long.class).single());
		view.put("agents", agents);
		return view;
	}

}
