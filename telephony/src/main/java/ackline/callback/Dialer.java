package ackline.callback;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ackline.call.AgentDial;
import ackline.call.Pbx;
import ackline.call.PbxUnavailableException;
import ackline.id.Ids;
import ackline.validation.FieldError;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What agents do in the call-back queue: set their state, take the next task, dial, hang up, record the disposition.
 * The server owns every state; each action checks the present state under row locks and answers a conflict when the
 * action does not fit it.
 */
public class Dialer {

	private static final Logger log = LoggerFactory.getLogger(Dialer.class);

	private static final DateTimeFormatter DAY_PATH = DateTimeFormatter.ofPattern("yyyy/MM/dd");

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final Transitions transitions;

	private final CallbackSettings settings;

	private final CallingWindows windows;

	private final CallScripts scripts;

	private final Pbx pbx;

	private final Clock clock;

	private final MeterRegistry meters;

	private final boolean enforceRequiredAnswers;

	private final OfferOrder offers;

	private volatile java.util.function.Consumer<String> onAgentAvailable = agentId -> {
	};

	Dialer(JdbcClient jdbc, TransactionTemplate tx, Transitions transitions, CallbackSettings settings,
			CallingWindows windows, CallScripts scripts, Pbx pbx, Clock clock, MeterRegistry meters,
			boolean enforceRequiredAnswers) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.transitions = transitions;
		this.settings = settings;
		this.windows = windows;
		this.scripts = scripts;
		this.pbx = pbx;
		this.clock = clock;
		this.meters = meters;
		this.enforceRequiredAnswers = enforceRequiredAnswers;
		this.offers = new OfferOrder(jdbc, settings);
	}

	void onAgentAvailable(java.util.function.Consumer<String> hook) {
		this.onAgentAvailable = hook;
	}

	/** An agent as the queue sees it. */
	public record AgentView(String id, AgentState state, String reason, String mode, String team, String endpoint,
			Instant since, Instant wrapUpUntil, UUID currentTask, UUID currentCall) {
	}

	/** Agent modes: preview (the agent presses dial) or progressive (dialled as soon as the agent is available). */
	public enum Mode {

		PREVIEW, PROGRESSIVE

	}

	/**
	 * Sets the agent's state: AVAILABLE or PAUSED (with a reason) or OFFLINE; ON_CALL and WRAP_UP are the dialer's to
	 * set. Going away returns an offered (not yet dialled) task to the queue.
	 */
	public AgentView setState(String agentId, String state, String reason, String mode) {
		AgentState to;
		try {
			to = AgentState.valueOf(state == null ? "" : state.strip().toUpperCase());
		}
		catch (IllegalArgumentException ex) {
			throw CallbackRejected.of("state", "agent.state.unknown", "must be AVAILABLE, PAUSED or OFFLINE", state);
		}
		if (to == AgentState.ON_CALL || to == AgentState.WRAP_UP) {
			throw CallbackRejected.of("state", "agent.state.server-owned",
					"ON_CALL and WRAP_UP are set by the dialer, not by the console", state);
		}
		if (to == AgentState.PAUSED && (reason == null || reason.isBlank())) {
			throw CallbackRejected.of("reason", "agent.reason.required", "a pause needs a reason");
		}
		if (reason != null && reason.length() > 200) {
			throw CallbackRejected.of("reason", "agent.reason.length", "must be at most 200 characters");
		}
		Mode newMode = null;
		if (mode != null) {
			try {
				newMode = Mode.valueOf(mode.strip().toUpperCase());
			}
			catch (IllegalArgumentException ex) {
				throw CallbackRejected.of("mode", "agent.mode.unknown", "must be PREVIEW or PROGRESSIVE", mode);
			}
		}
		Mode m = newMode;
		AgentView view = tx.execute(status -> {
			Instant now = clock.instant();
			Map<String, Object> agent = lockOrCreateAgent(agentId, now);
			AgentState from = AgentState.valueOf((String) agent.get("state"));
			if (from == AgentState.ON_CALL) {
				throw new CallbackConflict("agent.on-call", "the agent is on a call; the state changes when it ends");
			}
			UUID currentTask = (UUID) agent.get("current_task");
			if (from == AgentState.WRAP_UP && currentTask != null && to == AgentState.AVAILABLE) {
				throw new CallbackConflict("agent.disposition-pending",
						"record the disposition of the last call before taking the next task");
			}
			if (m != null) {
				jdbc.sql("update agent set mode = ? where id = ?").params(m.name(), agentId).update();
			}
			if (to != AgentState.AVAILABLE && currentTask != null) {
				Map<String, Object> task = transitions.lockTask(currentTask);
				if (task != null && TaskState.OFFERED.name().equals(task.get("state"))) {
					transitions.requeue(currentTask, now, null, false);
					transitions.task(task, TaskState.QUEUED, agentId, "AGENT_AWAY", now, null);
					currentTask = null;
				}
			}
			transitions.agent(agentId, from, to, to == AgentState.PAUSED ? reason.strip() : null, currentTask, null,
					(Instant) null, now);
			return agent(agentId).orElseThrow();
		});
		if (view.state() == AgentState.AVAILABLE) {
			onAgentAvailable.accept(agentId);
		}
		return view;
	}

	/**
	 * Pauses an AVAILABLE agent whose console went away (the server decides: no task is offered to an empty chair);
	 * a task only offered goes back to the queue. An agent on a call, in wrap-up, already paused or offline, or whose
	 * offered task is already being dialled, is left alone. Returns whether the agent was paused.
	 */
	public boolean pauseAway(String agentId, String reason) {
		return Boolean.TRUE.equals(tx.execute(status -> {
			Instant now = clock.instant();
			Map<String, Object> agent = transitions.lockAgent(agentId);
			if (agent == null || !AgentState.AVAILABLE.name().equals(agent.get("state"))) {
				return false;
			}
			UUID currentTask = (UUID) agent.get("current_task");
			if (currentTask != null) {
				Map<String, Object> task = transitions.lockTask(currentTask);
				if (task != null && !TaskState.OFFERED.name().equals(task.get("state"))) {
					return false;
				}
				if (task != null) {
					transitions.requeue(currentTask, now, null, false);
					transitions.task(task, TaskState.QUEUED, agentId, "AGENT_AWAY", now, null);
				}
			}
			transitions.agent(agentId, AgentState.AVAILABLE, AgentState.PAUSED, reason, null, null, (Instant) null, now);
			return true;
		}));
	}

	public Optional<AgentView> agent(String agentId) {
		return jdbc.sql("select * from agent where id = ?").param(agentId).query().listOfRows().stream().findFirst()
			.map(Dialer::agentView);
	}

	public List<AgentView> agents() {
		return jdbc.sql("select * from agent order by id").query().listOfRows().stream().map(Dialer::agentView).toList();
	}

	static AgentView agentView(Map<String, Object> r) {
		return new AgentView((String) r.get("id"), AgentState.valueOf((String) r.get("state")), (String) r.get("reason"),
				(String) r.get("mode"), (String) r.get("team"), (String) r.get("endpoint"),
				Transitions.instant(r.get("since")), Transitions.instant(r.get("wrap_up_until")),
				(UUID) r.get("current_task"), (UUID) r.get("current_call"));
	}

	/**
	 * Offers the agent the next task: first one reserved for the agent, then the team's, highest priority first, then
	 * earliest due; only tasks whose calling window is open and whose client has not reached today's call cap. Returns
	 * the task already offered if there is one. Empty when there is nothing to do.
	 */
	public Optional<UUID> next(String agentId) {
		return Optional.ofNullable(tx.execute(status -> {
			Instant now = clock.instant();
			Map<String, Object> agent = transitions.lockAgent(agentId);
			if (agent == null || AgentState.OFFLINE.name().equals(agent.get("state"))) {
				throw new CallbackConflict("agent.offline", "set the agent AVAILABLE first");
			}
			UUID current = (UUID) agent.get("current_task");
			if (current != null) {
				return current;
			}
			AgentState state = AgentState.valueOf((String) agent.get("state"));
			if (state != AgentState.AVAILABLE) {
				throw new CallbackConflict("agent.not-available", "the agent is " + state);
			}
			List<CallbackType> open = windows.openTypes(now);
			if (open.isEmpty()) {
				return null;
			}
			Instant dayStart = OfferOrder.dayStart(now);
			String team = (String) agent.get("team");
			// reserved for this agent first, then the team's and released reservations (OfferOrder: one definition,
			// shared with the preview); each walks its partial index in offer order and stops at the first few rows,
			// whose clients' daily caps are then checked
			Map<String, Object> task = null;
			for (int round = 0; round < 10 && task == null; round++) {
				List<Map<String, Object>> candidates = offers.reserved(agentId, now, open, 5, true);
				if (candidates.isEmpty()) {
					candidates = offers.shared(agentId, team, now, open, 5, true);
				}
				if (candidates.isEmpty()) {
					return null;
				}
				for (Map<String, Object> candidate : candidates) {
					long today = offers.callsToday(candidate.get("phone"), now);
					if (offers.underDailyCap(today)) {
						task = candidate;
						break;
					}
					// the client had enough calls today: the task waits for tomorrow's window
					CallbackType type = CallbackType.valueOf((String) candidate.get("type"));
					Instant tomorrow = windows.nextOpening(type, dayStart.plus(java.time.Duration.ofDays(1)));
					jdbc.sql("update callback_task set next_attempt_at = ? where id = ?")
						.params(Transitions.ts(tomorrow), candidate.get("id"))
						.update();
					CallbackStore.event(jdbc, (UUID) candidate.get("id"), now, "DAILY_CAP",
							Map.of("callsToday", today, "nextAttemptAt", tomorrow.toString()));
				}
			}
			if (task == null) {
				return null;
			}
			UUID taskId = (UUID) task.get("id");
			jdbc.sql("update callback_task set offered_to = ?, offered_at = ? where id = ?")
				.params(agentId, Transitions.ts(now), taskId)
				.update();
			transitions.task(task, TaskState.OFFERED, agentId, null, now, null);
			transitions.agent(agentId, state, state, null, taskId, null, null, now);
			meters.counter("ackline.callbacks.offered").increment();
			return taskId;
		}));
	}

	/** A task as the queue preview shows it: what {@link #next} would offer, in that order. */
	public record QueuedTask(UUID id, CallbackType type, String clientId, String clientName, int priority, Instant dueBy,
			long secondsLeft, boolean reservedForMe, boolean inWindowNow) {
	}

	/**
	 * The tasks {@link #next} would offer this agent, in its order ({@link OfferOrder}), without offering or locking
	 * any: reserved for the agent first, then the team's. Tasks of every type are listed in that order, those whose
	 * calling window is closed now with {@code inWindowNow} false (the offer skips them until it opens); a task whose
	 * client has had today's cap of calls is left out, as the offer defers it to tomorrow. The task already offered
	 * to the agent is not in the queue any more and is not listed.
	 */
	public List<QueuedTask> preview(String agentId, int limit) {
		Instant now = clock.instant();
		String team = agent(agentId).map(AgentView::team).orElse(settings.defaultTeam());
		List<CallbackType> all = List.of(CallbackType.values());
		Map<String, Long> callsToday = new java.util.HashMap<>();
		List<QueuedTask> preview = new ArrayList<>();
		// a few more rows than asked for, as some may be over their client's cap
		int fetch = limit + 20;
		for (boolean reserved : new boolean[] { true, false }) {
			List<Map<String, Object>> rows = reserved ? offers.reserved(agentId, now, all, fetch, false)
					: offers.shared(agentId, team, now, all, fetch, false);
			for (Map<String, Object> r : rows) {
				if (preview.size() >= limit) {
					return preview;
				}
				String phone = (String) r.get("phone");
				long today = callsToday.computeIfAbsent(phone, p -> offers.callsToday(p, now));
				if (!offers.underDailyCap(today)) {
					continue;
				}
				CallbackType type = CallbackType.valueOf((String) r.get("type"));
				Instant due = Transitions.instant(r.get("due_by"));
				preview.add(new QueuedTask((UUID) r.get("id"), type, (String) r.get("client_id"),
						(String) r.get("client_name"), ((Number) r.get("priority")).intValue(), due,
						java.time.Duration.between(now, due).toSeconds(), reserved, windows.isOpen(type, now)));
			}
		}
		return preview;
	}

	/** The call the agent's dial created. */
	public record Dialled(UUID callId, UUID taskId, String recordingFile) {
	}

	/**
	 * Dials the task offered to this agent: writes the call (the intent) and the agent's and task's new states in one
	 * transaction, then asks the PBX. If the PBX cannot take it, the call ends FAILED and the task stays offered.
	 */
	public Dialled dial(UUID taskId, String agentId) {
		Instant started = clock.instant();
		record Prepared(Dialled dialled, AgentDial request) {
		}
		Prepared prepared = tx.execute(status -> {
			Instant now = clock.instant();
			Map<String, Object> agent = transitions.lockAgent(agentId);
			Map<String, Object> task = transitions.lockTask(taskId);
			if (task == null) {
				throw new CallbackNotFound("task", taskId);
			}
			if (agent == null) {
				throw new CallbackConflict("agent.offline", "set the agent AVAILABLE first");
			}
			if (!TaskState.OFFERED.name().equals(task.get("state")) || !agentId.equals(task.get("offered_to"))) {
				throw new CallbackConflict("task.not-offered-to-you",
						"the task is " + task.get("state") + (task.get("offered_to") == null ? ""
								: agentId.equals(task.get("offered_to")) ? "" : ", offered to another agent"));
			}
			if (agent.get("current_call") != null) {
				throw new CallbackConflict("agent.on-call", "the agent is on another call");
			}
			CallbackType type = CallbackType.valueOf((String) task.get("type"));
			if (!windows.isOpen(type, now)) {
				throw new CallbackConflict("outside-calling-window", "calls of type " + type
						+ " are not made now; next window opens " + windows.nextOpening(type, now));
			}
			UUID callId = Ids.newId(clock);
			String file = "ackline/" + DAY_PATH.format(now.atZone(CallingWindows.ZONE)) + "/" + callId + ".wav";
			String phone = (String) task.get("phone");
			jdbc.sql("""
					insert into call (id, kind, task_id, notice_id, agent_id, client_id, phone, state, record_required,
					    recording_file, created_at, updated_at)
					values (?, 'AGENT', ?, ?, ?, ?, ?, 'ORIGINATING', ?, ?, ?, ?)""")
				.params(callId, taskId, task.get("notice_id"), agentId, task.get("client_id"), phone,
						task.get("record_required"), file, Transitions.ts(now), Transitions.ts(now))
				.update();
			jdbc.sql("update callback_task set attempts = attempts + 1 where id = ?").param(taskId).update();
			transitions.task(task, TaskState.DIALING, agentId, null, now, Map.of("callId", callId.toString()));
			transitions.agent(agentId, AgentState.valueOf((String) agent.get("state")), AgentState.ON_CALL, null, taskId,
					callId, null, now);
			String callerId = settings.callerId().isBlank() ? null : settings.callerId();
			return new Prepared(new Dialled(callId, taskId, file),
					new AgentDial(callId, (String) agent.get("endpoint"), phone, callerId, file,
							settings.agentRingTimeout(), settings.clientRingTimeout()));
		});
		try {
			pbx.dialForAgent(prepared.request());
			meters.timer("ackline.callbacks.dial").record(java.time.Duration.between(started, clock.instant()));
		}
		catch (PbxUnavailableException ex) {
			if (ex.mayHaveBeenCarriedOut()) {
				// the call may ring yet: keep it; its events, or the reconciler after its settling time, decide
				log.warn("PBX did not confirm the call {} of task {}: {}", prepared.dialled().callId(), taskId,
						ex.getMessage());
				return prepared.dialled();
			}
			log.warn("PBX refused the call {} of task {}: {}", prepared.dialled().callId(), taskId, ex.getMessage());
			undoDial(prepared.dialled(), agentId, ex.getMessage());
			throw ex;
		}
		return prepared.dialled();
	}

	/** The PBX never took the call: end it FAILED (nothing was dialled) and give the agent the task back. */
	private void undoDial(Dialled dialled, String agentId, String why) {
		tx.executeWithoutResult(status -> {
			Instant now = clock.instant();
			Map<String, Object> agent = transitions.lockAgent(agentId);
			Map<String, Object> task = transitions.lockTask(dialled.taskId());
			jdbc.sql("""
					update call set state = 'ENDED', outcome = 'FAILED', failure = ?, recording_state = 'NOT_RECORDED',
					    ended_at = ?, updated_at = ? where id = ? and state = 'ORIGINATING'""")
				.params("PBX_UNAVAILABLE: " + why, Transitions.ts(now), Transitions.ts(now), dialled.callId())
				.update();
			jdbc.sql("update callback_task set attempts = greatest(attempts - 1, 0) where id = ?")
				.param(dialled.taskId())
				.update();
			if (task != null && TaskState.DIALING.name().equals(task.get("state"))) {
				transitions.task(task, TaskState.OFFERED, agentId, "PBX_UNAVAILABLE", now, null);
			}
			if (agent != null && dialled.callId().equals(agent.get("current_call"))) {
				transitions.agent(agentId, AgentState.ON_CALL, AgentState.AVAILABLE, null, dialled.taskId(), null, null, now);
			}
		});
	}

	/** Hangs up the agent's call. */
	public void hangup(UUID callId, String agentId, boolean supervisor) {
		Map<String, Object> call = jdbc.sql("select id, agent_id, state from call where id = ?").param(callId).query()
			.listOfRows().stream().findFirst().orElseThrow(() -> new CallbackNotFound("call", callId));
		if (!supervisor && !agentId.equals(call.get("agent_id"))) {
			throw new CallbackNotFound("call", callId);
		}
		if ("ENDED".equals(call.get("state"))) {
			throw new CallbackConflict("call.ended", "the call has ended");
		}
		pbx.hangup(callId);
	}

	/**
	 * Hangs up, then waits up to {@code wait} for the PBX's hang-up to reach the call and its task (the call ENDED, the
	 * task out of DIALING and IN_CALL: in WRAP_UP for an answered call), so that the agent, or a script, can record the
	 * disposition right away. Returns the task's state then (null for a call without a task), or empty when the PBX
	 * has not confirmed the hang-up within {@code wait} (it still will; the events decide).
	 */
	public Optional<String> hangupAndWait(UUID callId, String agentId, boolean supervisor, java.time.Duration wait) {
		hangup(callId, agentId, supervisor);
		long deadline = System.nanoTime() + wait.toNanos();
		while (true) {
			Map<String, Object> now = jdbc.sql("""
					select c.state as call_state, t.state as task_state from call c
					left join callback_task t on t.id = c.task_id where c.id = ?""")
				.param(callId).query().singleRow();
			String task = (String) now.get("task_state");
			if ("ENDED".equals(now.get("call_state")) && !"DIALING".equals(task) && !"IN_CALL".equals(task)) {
				return Optional.of(task == null ? "" : task);
			}
			if (System.nanoTime() >= deadline) {
				return Optional.empty();
			}
			try {
				Thread.sleep(25);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
		}
	}

	/** A disposition as the agent records it. */
	public record DispositionRequest(String disposition, Map<String, Object> answers, String notes, java.time.OffsetDateTime callBackAt) {
	}

	/**
	 * Records the agent's disposition of the task's last call and the script's answers, then completes, fails, retries
	 * or reschedules the task, and makes the agent available again.
	 */
	public TaskState dispose(UUID taskId, String agentId, DispositionRequest r) {
		if (r == null || r.disposition() == null || r.disposition().isBlank()) {
			throw CallbackRejected.of("disposition", "disposition.required", "is required");
		}
		Disposition disposition;
		try {
			disposition = Disposition.valueOf(r.disposition().strip().toUpperCase());
		}
		catch (IllegalArgumentException ex) {
			throw CallbackRejected.of("disposition", "disposition.unknown", "is not a disposition", r.disposition());
		}
		if (r.notes() != null && r.notes().length() > 4000) {
			throw CallbackRejected.of("notes", "notes.length", "must be at most 4000 characters");
		}
		Instant callBackAt = r.callBackAt() == null ? null : r.callBackAt().toInstant();
		Map<String, Object> answers = r.answers() == null ? Map.of() : r.answers();
		TaskState result = tx.execute(status -> {
			Instant now = clock.instant();
			Map<String, Object> agent = transitions.lockAgent(agentId);
			Map<String, Object> task = transitions.lockTask(taskId);
			if (task == null) {
				throw new CallbackNotFound("task", taskId);
			}
			TaskState state = TaskState.valueOf((String) task.get("state"));
			if (!agentId.equals(task.get("offered_to"))) {
				throw new CallbackConflict("task.not-yours", "the task is not being worked by " + agentId);
			}
			if (state == TaskState.DIALING || state == TaskState.IN_CALL) {
				throw new CallbackConflict("task.on-call", "hang up first; the disposition follows the call");
			}
			boolean answered = jdbc.sql("select count(*) from call where task_id = ? and outcome = 'ANSWERED'")
				.param(taskId).query(Long.class).single() > 0;
			if (state != TaskState.WRAP_UP && state != TaskState.OFFERED) {
				throw new CallbackConflict("task.not-awaiting-disposition", "the task is " + state);
			}
			if ((disposition == Disposition.REACHED_CONFIRMED || disposition == Disposition.REACHED_REFUSED
					|| disposition == Disposition.WRONG_PERSON || disposition == Disposition.CALL_DROPPED) && !answered) {
				throw CallbackRejected.of("disposition", "disposition.needs-answered-call",
						"no call of this task was answered", disposition.name());
			}
			List<FieldError> errors = new ArrayList<>();
			if (disposition == Disposition.CALL_BACK_LATER) {
				if (callBackAt == null) {
					errors.add(FieldError.of("callBackAt", "callBackAt.required", "is required to call back later"));
				}
				else if (!callBackAt.isAfter(now)) {
					errors.add(FieldError.of("callBackAt", "callBackAt.past", "must be in the future"));
				}
			}
			CallScripts.Script script = scripts.byId((String) task.get("script_id"));
			List<String> missing = new ArrayList<>();
			if (script != null) {
				for (String key : answers.keySet()) {
					if (script.questions().stream().noneMatch(q -> q.id().equals(key))) {
						errors.add(FieldError.of("answers." + key, "answers.unknown", "is not a question of script "
								+ script.id(), key, script.id()));
					}
				}
				if (disposition == Disposition.REACHED_CONFIRMED) {
					for (CallScripts.Question q : script.questions()) {
						Object a = answers.get(q.id());
						if (q.required() && (a == null || String.valueOf(a).isBlank())) {
							missing.add(q.id());
						}
					}
				}
			}
			if (enforceRequiredAnswers && !missing.isEmpty()) {
				errors.add(FieldError.of("answers." + missing.get(0), "answers.required", "is required", missing.get(0)));
			}
			if (!errors.isEmpty()) {
				throw new CallbackRejected(errors);
			}
			UUID lastCall = jdbc.sql("select id from call where task_id = ? order by created_at desc limit 1")
				.param(taskId).query(UUID.class).optional().orElse(null);
			jdbc.sql("""
					update callback_task set disposition = ?, answers = ?::jsonb, notes = ?, call_back_at = ?,
					    missing_answers = ?, updated_at = ? where id = ?""")
				.params(disposition.name(), CallbackStore.json(answers), r.notes(), Transitions.ts(callBackAt),
						missing.isEmpty() ? null : String.join(",", missing), Transitions.ts(now), taskId)
				.update();
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("disposition", disposition.name());
			detail.put("agentId", agentId);
			if (lastCall != null) {
				detail.put("callId", lastCall.toString());
			}
			if (!missing.isEmpty()) {
				detail.put("missingAnswers", missing);
			}
			CallbackStore.event(jdbc, taskId, now, "DISPOSITION", detail);
			transitions.applyDisposition(task, disposition, agentId, callBackAt, now,
					lastCall == null ? null : Map.of("callId", lastCall.toString()));
			if (agent != null && taskId.equals(agent.get("current_task"))) {
				AgentState from = AgentState.valueOf((String) agent.get("state"));
				AgentState to = from == AgentState.WRAP_UP || from == AgentState.AVAILABLE ? AgentState.AVAILABLE : from;
				transitions.agent(agentId, from, to, (String) agent.get("reason"), null, null, null, now);
			}
			return TaskState.valueOf((String) task.get("state"));
		});
		agent(agentId).filter(a -> a.state() == AgentState.AVAILABLE).ifPresent(a -> onAgentAvailable.accept(agentId));
		return result;
	}

	/**
	 * Withdraws a task that is not on the phone: queued, or offered (the agent is freed). Returns the new state; a
	 * task already finished keeps its state.
	 */
	public TaskState cancel(UUID taskId, String by, String reason) {
		if (reason != null && reason.length() > 500) {
			throw CallbackRejected.of("reason", "agent.reason.length", "must be at most 500 characters");
		}
		return tx.execute(status -> {
			Instant now = clock.instant();
			String offeredTo = jdbc.sql("select offered_to from callback_task where id = ?").param(taskId)
				.query(String.class).optional().orElse(null);
			Map<String, Object> agent = offeredTo == null ? null : transitions.lockAgent(offeredTo);
			Map<String, Object> task = transitions.lockTask(taskId);
			if (task == null) {
				throw new CallbackNotFound("task", taskId);
			}
			TaskState state = TaskState.valueOf((String) task.get("state"));
			if (!state.isOpen()) {
				return state;
			}
			if (state != TaskState.QUEUED && state != TaskState.OFFERED) {
				throw new CallbackConflict("task.on-call", "the task is " + state + "; cancel it after the call");
			}
			transitions.task(task, TaskState.CANCELLED, by, reason == null ? "CANCELLED" : reason, now, null);
			if (agent != null && taskId.equals(agent.get("current_task"))) {
				AgentState from = AgentState.valueOf((String) agent.get("state"));
				transitions.agent((String) agent.get("id"), from, from, (String) agent.get("reason"), null, null, null, now);
			}
			return TaskState.CANCELLED;
		});
	}

	private Map<String, Object> lockOrCreateAgent(String agentId, Instant now) {
		jdbc.sql("""
				insert into agent (id, state, mode, team, endpoint, since, updated_at)
				values (?, 'OFFLINE', 'PREVIEW', ?, ?, ?, ?) on conflict (id) do nothing""")
			.params(agentId, settings.defaultTeam(), agentId, Transitions.ts(now), Transitions.ts(now))
			.update();
		return transitions.lockAgent(agentId);
	}

}
