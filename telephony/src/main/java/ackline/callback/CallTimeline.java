package ackline.callback;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import ackline.call.IvrScript;
import ackline.call.PbxEvent;
import ackline.call.PbxListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns the PBX's events into the call's timeline and state. Every app node hears every AMI event; the node whose
 * insert of the event wins applies it, so each event is applied once, in the order that node heard them.
 */
class CallTimeline implements PbxListener {

	private static final Logger log = LoggerFactory.getLogger(CallTimeline.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final Transitions transitions;

	private final CallbackSettings settings;

	private final IvrPrompts prompts;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final ExecutorService[] lanes;

	private volatile Runnable onConnected = () -> {
	};

	private volatile java.util.function.Consumer<String> onAgentAvailable = agentId -> {
	};

	CallTimeline(JdbcClient jdbc, TransactionTemplate tx, Transitions transitions, CallbackSettings settings,
			IvrPrompts prompts, ApplicationEventPublisher events, Clock clock, int lanes) {
		this.lanes = new ExecutorService[lanes];
		for (int i = 0; i < lanes; i++) {
			String name = "call-events-" + i;
			this.lanes[i] = Executors.newSingleThreadExecutor(r -> {
				Thread t = new Thread(r, name);
				t.setDaemon(true);
				return t;
			});
		}
		this.jdbc = jdbc;
		this.tx = tx;
		this.transitions = transitions;
		this.settings = settings;
		this.prompts = prompts;
		this.events = events;
		this.clock = clock;
	}

	void onConnected(Runnable hook) {
		this.onConnected = hook;
	}

	void onAgentAvailable(java.util.function.Consumer<String> hook) {
		this.onAgentAvailable = hook;
	}

	@Override
	public void onConnectionChanged(boolean connected) {
		log.info("PBX link {}", connected ? "up: reconciling calls in flight" : "down");
		if (connected) {
			onConnected.run();
		}
	}

	/**
	 * Hands the event to its call's lane: one thread per lane applies a call's events in the order the PBX sent them,
	 * while different calls are applied in parallel (the adapter delivers every call's events on one thread).
	 */
	@Override
	public void onEvent(PbxEvent e) {
		try {
			lanes[Math.floorMod(e.callId().hashCode(), lanes.length)].execute(() -> applyWithRetry(e));
		}
		catch (RejectedExecutionException ex) {
			// shutting down: the next process's reconciliation settles the call
			log.warn("Event {} of call {} not applied: shutting down", e.name(), e.callId());
		}
	}

	/** Applies what the lanes already hold, for up to five seconds, then stops them. */
	void stop() {
		for (ExecutorService lane : lanes) {
			lane.shutdown();
		}
		for (ExecutorService lane : lanes) {
			try {
				lane.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void applyWithRetry(PbxEvent e) {
		for (int attempt = 1;; attempt++) {
			try {
				String agentFreed = tx.execute(status -> apply(e));
				if (agentFreed != null) {
					onAgentAvailable.accept(agentFreed);
				}
				return;
			}
			catch (TransientDataAccessException ex) {
				// a deadlock with an agent's action on the same task: the whole event rolled back, apply it again
				if (attempt == 3) {
					log.error("Could not apply {} of call {} after {} attempts", e.name(), e.callId(), attempt, ex);
					return;
				}
			}
			catch (RuntimeException ex) {
				log.error("Could not apply {} of call {}", e.name(), e.callId(), ex);
				return;
			}
		}
	}

	/** Applies one event; returns the agent it made available, if any. */
	private String apply(PbxEvent e) {
		Instant now = clock.instant();
		int inserted = jdbc.sql("""
				insert into call_event (call_id, key, kind, name, leg, channel, unique_id, at, detail, received_at)
				select ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ? where exists (select 1 from call where id = ?)
				on conflict (call_id, key) do nothing""")
			.params(e.callId(), e.key(), e.kind().name(), e.name(), e.leg() == null ? null : e.leg().name(), e.channel(),
					e.uniqueId(), Timestamp.from(e.at()), CallbackStore.json(e.detail()), Timestamp.from(now), e.callId())
			.update();
		if (inserted == 0) {
			return null;
		}
		Map<String, Object> call = lockCall(e.callId());
		if (call == null) {
			return null;
		}
		if ("ENDED".equals(call.get("state"))) {
			// the reconciler ended it before this event arrived: a recording it did not know of is still collected
			if (e.kind() == PbxEvent.Kind.RECORDING_STOPPED) {
				jdbc.sql("update call set recording_stopped = coalesce(recording_stopped, ?) where id = ?")
					.params(Timestamp.from(e.at()), e.callId())
					.update();
			}
			if (e.kind() == PbxEvent.Kind.RECORDING_STARTED && "NOT_RECORDED".equals(call.get("recording_state"))) {
				jdbc.sql("""
						update call set recording_state = 'PENDING', recording_started = ?, updated_at = ?
						where id = ? and recording_state = 'NOT_RECORDED'""")
					.params(Timestamp.from(e.at()), Timestamp.from(now), e.callId())
					.update();
			}
			return null;
		}
		boolean agentCall = "AGENT".equals(call.get("kind"));
		boolean clientLeg = e.leg() == PbxEvent.Leg.CLIENT;
		switch (e.kind()) {
			case ORIGINATE_RESPONSE -> {
				if ("Failure".equalsIgnoreCase(e.detail().get("response"))) {
					CallOutcome outcome = agentCall && !"DIALING_CLIENT".equals(call.get("state"))
							&& call.get("ringing_at") == null ? CallOutcome.AGENT_NO_ANSWER
									: originateFailure(e.detail().get("reason"));
					return end(call, outcome, null, null, "ORIGINATE_FAILED reason " + e.detail().get("reason"), e.at());
				}
			}
			case RINGING -> {
				if (clientLeg && call.get("ringing_at") == null) {
					update(call, "RINGING", "ringing_at = ?", e.at());
				}
				else if (!clientLeg && "ORIGINATING".equals(call.get("state"))) {
					update(call, "RINGING_AGENT", null, null);
				}
				events.publishEvent(new CallbackEvents.CallRinging(e.callId(), (UUID) call.get("task_id"),
						(UUID) call.get("notice_id"), (String) call.get("agent_id"), e.leg() == null ? null : e.leg().name(),
						e.at()));
			}
			case ANSWERED, BRIDGE_ENTER -> {
				if (clientLeg) {
					answered(call, e.at());
				}
				else if (agentCall && !"ANSWERED".equals(call.get("state")) && !"RINGING".equals(call.get("state"))) {
					update(call, "DIALING_CLIENT", null, null);
				}
			}
			case DIAL_END -> {
				String dialStatus = e.detail().get("dialStatus");
				jdbc.sql("update call set dial_status = ?, updated_at = ? where id = ?")
					.params(dialStatus, Timestamp.from(now), e.callId())
					.update();
				call.put("dial_status", dialStatus);
				if ("ANSWER".equals(dialStatus)) {
					answered(call, e.at());
				}
			}
			case DIAL_BEGIN -> {
				if (!"ANSWERED".equals(call.get("state"))) {
					update(call, "DIALING_CLIENT", null, null);
				}
			}
			case RECORDING_STARTED -> {
				jdbc.sql("update call set recording_started = coalesce(recording_started, ?) where id = ?")
					.params(Timestamp.from(e.at()), e.callId())
					.update();
				call.put("recording_started", Timestamp.from(e.at()));
			}
			case RECORDING_STOPPED -> jdbc.sql("update call set recording_stopped = coalesce(recording_stopped, ?) where id = ?")
				.params(Timestamp.from(e.at()), e.callId())
				.update();
			case HANGUP -> {
				Integer cause = parseCause(e.detail().get("cause"));
				String causeText = e.detail().get("causeText");
				if (clientLeg) {
					jdbc.sql("update call set hangup_cause = ?, hangup_cause_text = ?, updated_at = ? where id = ?")
						.params(cause, causeText, Timestamp.from(now), e.callId())
						.update();
					call.put("hangup_cause", cause);
					call.put("hangup_cause_text", causeText);
				}
				// an agent call ends with its agent leg (the dialplan hangs it up after the client); an IVR call with
				// its only leg
				boolean ends = agentCall ? !clientLeg : true;
				if (ends) {
					Integer clientCause = (Integer) call.get("hangup_cause");
					CallOutcome outcome = outcome(call, agentCall, clientCause, cause);
					return end(call, outcome, clientCause != null ? clientCause : cause,
							clientCause != null ? (String) call.get("hangup_cause_text") : causeText, null, e.at());
				}
			}
			default -> {
			}
		}
		return null;
	}

	private CallOutcome outcome(Map<String, Object> call, boolean agentCall, Integer clientCause, Integer ownCause) {
		if ("ANSWERED".equals(call.get("state"))) {
			return CallOutcome.ANSWERED;
		}
		if (agentCall && !"DIALING_CLIENT".equals(call.get("state")) && !"RINGING".equals(call.get("state"))
				&& call.get("dial_status") == null) {
			return CallOutcome.AGENT_NO_ANSWER;
		}
		return CallOutcome.of((String) call.get("dial_status"), clientCause != null ? clientCause : ownCause);
	}

	private static CallOutcome originateFailure(String reason) {
		// OriginateResponse Reason: the last control frame seen (Asterisk's AST_CONTROL_*): 1 hang-up, 3 ringing
		// (rang out), 5 busy, 8 congestion, 0 no such channel
		if (reason == null) {
			return CallOutcome.FAILED;
		}
		return switch (reason.strip()) {
			case "5" -> CallOutcome.BUSY;
			case "8" -> CallOutcome.CONGESTION;
			case "3", "1" -> CallOutcome.NO_ANSWER;
			default -> CallOutcome.FAILED;
		};
	}

	private void answered(Map<String, Object> call, Instant at) {
		if ("ANSWERED".equals(call.get("state"))) {
			return;
		}
		update(call, "ANSWERED", "answered_at = ?", at);
		UUID taskId = (UUID) call.get("task_id");
		if (taskId != null) {
			Map<String, Object> task = transitions.lockTask(taskId);
			if (task != null && TaskState.DIALING.name().equals(task.get("state"))) {
				transitions.task(task, TaskState.IN_CALL, (String) call.get("agent_id"), null, clock.instant(),
						Map.of("callId", call.get("id").toString()));
			}
		}
		events.publishEvent(new CallbackEvents.CallAnswered((UUID) call.get("id"), taskId, (UUID) call.get("notice_id"),
				(String) call.get("agent_id"), at));
	}

	/**
	 * Ends the call and moves its task and agent on: an answered call waits for the agent's disposition (wrap-up); a
	 * call that reached nobody is disposed of by the dialer (retry or fail); a call the agent did not pick up goes
	 * back to the queue and pauses the agent. Returns true when the agent became available. Caller holds the call's
	 * lock only: agent and task locks are taken here, after it (agent, task order among themselves).
	 */
	String end(Map<String, Object> call, CallOutcome outcome, Integer cause, String causeText, String failure,
			Instant at) {
		Instant now = clock.instant();
		UUID callId = (UUID) call.get("id");
		// a call's events are applied in order, so MixMonitorStart, which precedes every hang-up, is already on the row
		boolean recorded = call.get("recording_started") != null;
		String recordingState = recorded ? "PENDING" : "NOT_RECORDED";
		jdbc.sql("""
				update call set state = 'ENDED', outcome = ?, hangup_cause = coalesce(?, hangup_cause),
				    hangup_cause_text = coalesce(?, hangup_cause_text), failure = coalesce(?, failure), ended_at = ?,
				    recording_state = ?, updated_at = ? where id = ?""")
			.params(outcome.name(), cause, causeText, failure, Timestamp.from(at), recordingState, Timestamp.from(now), callId)
			.update();
		call.put("state", "ENDED");
		UUID taskId = (UUID) call.get("task_id");
		String agentId = (String) call.get("agent_id");
		events.publishEvent(new CallbackEvents.CallEnded(callId, taskId, (UUID) call.get("notice_id"), agentId, outcome,
				cause, causeText, at));
		if (!recorded && Boolean.TRUE.equals(call.get("record_required")) && outcome == CallOutcome.ANSWERED) {
			log.error("Call {} was answered but never recorded", callId);
			events.publishEvent(new CallbackEvents.RecordingMissing(callId, taskId, (UUID) call.get("notice_id"),
					(String) call.get("recording_file"), now));
			jdbc.sql("update call set recording_state = 'MISSING' where id = ?").param(callId).update();
		}
		if (taskId == null) {
			return null;
		}
		Map<String, Object> agent = agentId == null ? null : transitions.lockAgent(agentId);
		Map<String, Object> task = transitions.lockTask(taskId);
		boolean onTask = task != null && (TaskState.DIALING.name().equals(task.get("state"))
				|| TaskState.IN_CALL.name().equals(task.get("state")));
		boolean agentOnThisCall = agent != null && callId.equals(agent.get("current_call"));
		AgentState agentFrom = agent == null ? null : AgentState.valueOf((String) agent.get("state"));
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("callId", callId.toString());
		detail.put("outcome", outcome.name());
		if (outcome == CallOutcome.ANSWERED) {
			if (onTask) {
				transitions.task(task, TaskState.WRAP_UP, agentId, null, now, detail);
			}
			if (agentOnThisCall) {
				Duration wrapUp = settings.policy(CallbackType.valueOf((String) task.get("type"))).wrapUp();
				transitions.agent(agentId, agentFrom, AgentState.WRAP_UP, null, taskId, null, now.plus(wrapUp), now);
			}
			return null;
		}
		if (outcome == CallOutcome.AGENT_NO_ANSWER) {
			if (onTask) {
				jdbc.sql("update callback_task set attempts = greatest(attempts - 1, 0) where id = ?").param(taskId).update();
				transitions.requeue(taskId, now, null, false);
				transitions.task(task, TaskState.QUEUED, agentId, "AGENT_NO_ANSWER", now, detail);
			}
			if (agentOnThisCall) {
				transitions.agent(agentId, agentFrom, AgentState.PAUSED, "AGENT_NO_ANSWER", null, null, null, now);
			}
			return null;
		}
		if (onTask) {
			Disposition automatic = outcome.automaticDisposition();
			jdbc.sql("update callback_task set disposition = ?, updated_at = ? where id = ?")
				.params(automatic.name(), Timestamp.from(now), taskId)
				.update();
			transitions.applyDisposition(task, automatic, agentId, null, now, detail);
		}
		if (agentOnThisCall) {
			transitions.agent(agentId, agentFrom, AgentState.AVAILABLE, null, null, null, null, now);
			return agentId;
		}
		return null;
	}

	private void update(Map<String, Object> call, String state, String extraSet, Instant extraValue) {
		String sql = "update call set state = ?, updated_at = ?" + (extraSet == null ? "" : ", " + extraSet) + " where id = ?";
		Timestamp now = Timestamp.from(clock.instant());
		if (extraSet == null) {
			jdbc.sql(sql).params(state, now, call.get("id")).update();
		}
		else {
			jdbc.sql(sql).params(state, now, Timestamp.from(extraValue), call.get("id")).update();
		}
		call.put("state", state);
	}

	Map<String, Object> lockCall(UUID callId) {
		List<Map<String, Object>> rows = jdbc.sql("select * from call where id = ? for update").param(callId).query()
			.listOfRows();
		return rows.isEmpty() ? null : rows.get(0);
	}

	private static Integer parseCause(String s) {
		try {
			return s == null || s.isBlank() ? null : Integer.valueOf(s.strip());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@Override
	public IvrScript ivrScript(UUID callId) {
		return jdbc.sql("select language, ivr_prompts from call where id = ? and kind = 'IVR'").param(callId).query()
			.listOfRows().stream().findFirst()
			.map(r -> prompts.script((String) r.get("language"), (String) r.get("ivr_prompts")))
			.orElse(null);
	}

	@Override
	public void onDigits(UUID callId, String digits, Instant at) {
		tx.executeWithoutResult(status -> {
			Map<String, Object> call = lockCall(callId);
			if (call == null) {
				return;
			}
			String d = digits == null ? "" : digits;
			Map<String, String> detail = Map.of("digits", d);
			jdbc.sql("""
					insert into call_event (call_id, key, kind, name, leg, at, detail, received_at)
					values (?, ?, 'DIGITS', 'AGI GET DATA', 'CLIENT', ?, ?::jsonb, ?) on conflict (call_id, key) do nothing""")
				.params(callId, "GETDATA|" + at + "|" + d, Timestamp.from(at), CallbackStore.json(detail),
						Timestamp.from(clock.instant()))
				.update();
			jdbc.sql("update call set digits = coalesce(digits, '') || ? where id = ?")
				.params(d.isEmpty() ? "-" : d, callId)
				.update();
			boolean confirmed = prompts.confirmDigit().equals(d);
			events.publishEvent(new CallbackEvents.IvrKeyPressed(callId, (UUID) call.get("notice_id"),
					(String) call.get("client_id"), d, confirmed, at));
		});
	}

}
