package ackline.callback;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The state changes of tasks and agents, each with its history entry and its event. Callers hold the rows' locks
 * (agent first, then task, then call: one order everywhere, so two nodes never deadlock).
 */
final class Transitions {

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	private final CallbackSettings settings;

	private final CallingWindows windows;

	Transitions(JdbcClient jdbc, ApplicationEventPublisher events, CallbackSettings settings, CallingWindows windows) {
		this.jdbc = jdbc;
		this.events = events;
		this.settings = settings;
		this.windows = windows;
	}

	/** The agent's row, locked; null when the agent never signed in. */
	Map<String, Object> lockAgent(String agentId) {
		return jdbc.sql("select * from agent where id = ? for update").param(agentId).query().listOfRows().stream()
			.findFirst().orElse(null);
	}

	/** The task's row, locked; null when there is none. */
	Map<String, Object> lockTask(UUID taskId) {
		return jdbc.sql("select * from callback_task where id = ? for update").param(taskId).query().listOfRows().stream()
			.findFirst().orElse(null);
	}

	void agent(String agentId, AgentState from, AgentState to, String reason, UUID currentTask, UUID currentCall,
			Instant wrapUpUntil, Instant now) {
		jdbc.sql("""
				update agent set state = ?, reason = ?, since = case when state = ? then since else ? end,
				    current_task = ?, current_call = ?, wrap_up_until = ?, updated_at = ?
				where id = ?""")
			.params(to.name(), reason, to.name(), ts(now), currentTask, currentCall, ts(wrapUpUntil), ts(now), agentId)
			.update();
		if (from != to) {
			events.publishEvent(new CallbackEvents.AgentStateChanged(agentId, from, to, reason, currentTask, now));
		}
	}

	void task(Map<String, Object> task, TaskState to, String agentId, String reason, Instant now,
			Map<String, ?> detail) {
		UUID id = (UUID) task.get("id");
		TaskState from = TaskState.valueOf((String) task.get("state"));
		jdbc.sql("""
				update callback_task set state = ?, updated_at = ?,
				    completed_at = case when ? in ('DONE', 'FAILED', 'CANCELLED') then ? else completed_at end,
				    failure_reason = case when ? = 'FAILED' then ? else failure_reason end
				where id = ?""")
			.params(to.name(), ts(now), to.name(), ts(now), to.name(), reason, id)
			.update();
		task.put("state", to.name());
		Map<String, Object> d = new LinkedHashMap<>();
		d.put("from", from.name());
		d.put("to", to.name());
		if (agentId != null) {
			d.put("agentId", agentId);
		}
		if (reason != null) {
			d.put("reason", reason);
		}
		if (detail != null) {
			d.putAll(detail);
		}
		CallbackStore.event(jdbc, id, now, "STATE", d);
		events.publishEvent(new CallbackEvents.TaskStateChanged(id, CallbackType.valueOf((String) task.get("type")),
				from, to, agentId, reason, now));
	}

	/**
	 * Applies a disposition's effect to the task: done, failed, retried after the type's pause (or failed when the
	 * attempts are used up), or rescheduled at the client's time for the same agent.
	 */
	void applyDisposition(Map<String, Object> task, Disposition disposition, String agentId, Instant callBackAt,
			Instant now, Map<String, ?> detail) {
		CallbackType type = CallbackType.valueOf((String) task.get("type"));
		UUID id = (UUID) task.get("id");
		switch (disposition.effect()) {
			case DONE -> task(task, TaskState.DONE, agentId, null, now, detail);
			case FAILED -> task(task, TaskState.FAILED, agentId, disposition.name(), now, detail);
			case RETRY -> {
				int attempts = ((Number) task.get("attempts")).intValue();
				int max = ((Number) task.get("max_attempts")).intValue();
				if (attempts >= max) {
					task(task, TaskState.FAILED, agentId, "ATTEMPTS_EXHAUSTED", now, detail);
				}
				else {
					Duration pause = settings.policy(type).retryInterval();
					Instant next = windows.nextOpening(type, now.plus(pause));
					requeue(id, next, null, false);
					task(task, TaskState.QUEUED, agentId, null, now, withNext(detail, next));
				}
			}
			case RESCHEDULE -> {
				Instant next = windows.nextOpening(type, callBackAt);
				// the client asked for this agent at that time: reserve it, and keep room for the call
				requeue(id, next, agentId, true);
				task(task, TaskState.QUEUED, agentId, null, now, withNext(detail, next));
			}
		}
	}

	/** Puts a task back in the queue for its next attempt. */
	void requeue(UUID taskId, Instant next, String reserveFor, boolean addAttempt) {
		jdbc.sql("""
				update callback_task set next_attempt_at = ?, offered_to = null, offered_at = null,
				    agent_id = coalesce(?, agent_id),
				    max_attempts = case when ? then greatest(max_attempts, attempts + 1) else max_attempts end
				where id = ?""")
			.params(ts(next), reserveFor, addAttempt, taskId)
			.update();
	}

	private static Map<String, Object> withNext(Map<String, ?> detail, Instant next) {
		Map<String, Object> d = new LinkedHashMap<>();
		if (detail != null) {
			d.putAll(detail);
		}
		d.put("nextAttemptAt", next.toString());
		return d;
	}

	static Timestamp ts(Instant i) {
		return i == null ? null : Timestamp.from(i);
	}

	static Instant instant(Object o) {
		return o == null ? null : ((Timestamp) o).toInstant();
	}

	static List<String> names(List<? extends Enum<?>> values) {
		return values.stream().map(Enum::name).toList();
	}

}
