package ackline.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ackline.callback.CallbackEvents;
import ackline.callback.CallbackType;
import ackline.callback.LiveViews;
import ackline.notice.NoticeEvents;
import ackline.notice.NoticeViews;
import ackline.security.StaffNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Turns domain events into live messages, after their transaction committed. Each message carries the entity's
 * state as PostgreSQL has it when the message is built (not the event's copy), so a console applying messages in
 * sequence order always ends at the truth. Work runs off the committing thread, on lanes chosen by entity: the
 * messages of one agent, task, call or notice keep their order. Aggregates (queue depths, the wallboard) are
 * coalesced: a burst of changes yields one fresh figure.
 */
final class LivePublisher implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LivePublisher.class);

	private final LiveMessages messages;

	private final LiveViews callbacks;

	private final NoticeViews notices;

	private final StaffNames names;

	private final ackline.evidence.export.EvidenceExports exports;

	private final Clock clock;

	private final ExecutorService[] lanes;

	private final Set<CallbackType> queuesPending = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean wallboardDirty = new AtomicBoolean(true);

	private volatile Instant wallboardSent = Instant.EPOCH;

	private final Duration wallboardAtLeastEvery;

	LivePublisher(LiveMessages messages, LiveViews callbacks, NoticeViews notices, StaffNames names,
			ackline.evidence.export.EvidenceExports exports, Clock clock, int lanes, Duration wallboardAtLeastEvery) {
		this.exports = exports;
		this.messages = messages;
		this.callbacks = callbacks;
		this.notices = notices;
		this.names = names;
		this.clock = clock;
		this.wallboardAtLeastEvery = wallboardAtLeastEvery;
		this.lanes = new ExecutorService[lanes];
		for (int i = 0; i < lanes; i++) {
			int n = i;
			this.lanes[i] = Executors.newSingleThreadExecutor(r -> {
				Thread t = new Thread(r, "live-" + n);
				t.setDaemon(true);
				return t;
			});
		}
	}

	private void on(Object entity, Runnable job) {
		lanes[Math.floorMod(entity.hashCode(), lanes.length)].execute(() -> {
			try {
				job.run();
			}
			catch (RuntimeException ex) {
				log.warn("Live message for {} not built: {}", entity, ex.toString());
			}
		});
	}

	// --- agents

	@TransactionalEventListener(fallbackExecution = true)
	void agentStateChanged(CallbackEvents.AgentStateChanged event) {
		on("agent:" + event.agentId(), () -> callbacks.agent(event.agentId()).ifPresent(agent -> {
			agent.put("displayName", names.of(event.agentId()));
			messages.publish(LiveStream.AGENTS, null, "AGENT_STATE", event.agentId(), event.at(), agent);
			messages.publish(LiveStream.ME, event.agentId(), "AGENT_STATE", event.agentId(), event.at(), agent);
		}));
		wallboardDirty.set(true);
	}

	// --- tasks and queues

	@TransactionalEventListener(fallbackExecution = true)
	void taskCreated(CallbackEvents.TaskCreated event) {
		task(event.taskId(), event.type(), event.agentId(), false, event.at());
	}

	@TransactionalEventListener(fallbackExecution = true)
	void taskStateChanged(CallbackEvents.TaskStateChanged event) {
		task(event.taskId(), event.type(), event.agentId(), event.to() == ackline.callback.TaskState.OFFERED, event.at());
	}

	private void task(UUID taskId, CallbackType type, String eventAgent, boolean offered, Instant at) {
		on(taskId, () -> callbacks.task(taskId).ifPresent(task -> {
			messages.publish(LiveStream.TASKS, null, "TASK_STATE", taskId, at, task);
			Set<String> agents = new LinkedHashSet<>();
			for (Object agent : new Object[] { task.get("agentId"), task.get("reservedFor"), eventAgent }) {
				if (agent != null) {
					agents.add(agent.toString());
				}
			}
			boolean stillOffered = offered && "OFFERED".equals(task.get("state"));
			for (String agent : agents) {
				messages.publish(LiveStream.MY_TASKS, agent, stillOffered ? "TASK_OFFERED" : "TASK_STATE", taskId, at, task);
			}
		}));
		if (type != null && queuesPending.add(type)) {
			on("queue:" + type, () -> {
				queuesPending.remove(type);
				messages.publish(LiveStream.QUEUES, null, "QUEUE_DEPTH", type.name(), clock.instant(), callbacks.queue(type));
			});
		}
		wallboardDirty.set(true);
	}

	// --- calls

	@TransactionalEventListener(fallbackExecution = true)
	void callRinging(CallbackEvents.CallRinging event) {
		call(event.callId(), event.at());
	}

	@TransactionalEventListener(fallbackExecution = true)
	void callAnswered(CallbackEvents.CallAnswered event) {
		call(event.callId(), event.at());
	}

	@TransactionalEventListener(fallbackExecution = true)
	void callEnded(CallbackEvents.CallEnded event) {
		call(event.callId(), event.at());
	}

	@TransactionalEventListener(fallbackExecution = true)
	void callRecorded(CallbackEvents.CallRecorded event) {
		call(event.callId(), event.at());
	}

	@TransactionalEventListener(fallbackExecution = true)
	void recordingMissing(CallbackEvents.RecordingMissing event) {
		call(event.callId(), event.at());
	}

	private void call(UUID callId, Instant at) {
		on(callId, () -> callbacks.call(callId).ifPresent(call -> {
			messages.publish(LiveStream.CALLS, null, "CALL_STATE", callId, at, call);
			Object agent = call.get("agentId");
			if (agent != null) {
				messages.publish(LiveStream.ME, agent.toString(), "CALL_STATE", callId, at, call);
			}
		}));
		wallboardDirty.set(true);
	}

	// --- quality and notes

	/** A supervisor scored a call: supervisors see it with the call, the agent on their own stream (it is their record). */
	@TransactionalEventListener(fallbackExecution = true)
	void scorecardSaved(ackline.quality.QualityEvents.ScorecardSaved event) {
		on(event.callId(), () -> {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("callId", event.callId());
			data.put("taskId", event.taskId());
			data.put("agentId", event.agentId());
			data.put("total", event.total());
			data.put("revision", event.revision());
			data.put("scoredBy", event.scoredBy());
			messages.publish(LiveStream.CALLS, null, "SCORECARD_SAVED", event.callId(), event.at(), data);
			messages.publish(LiveStream.ME, event.agentId(), "SCORECARD_SAVED", event.callId(), event.at(), data);
		});
	}

	@TransactionalEventListener(fallbackExecution = true)
	void taskNoteAdded(CallbackEvents.TaskNoteAdded event) {
		on(event.taskId(), () -> callbacks.task(event.taskId()).ifPresent(task -> {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("noteId", event.noteId());
			data.put("taskId", event.taskId());
			data.put("author", event.author());
			data.put("text", event.text());
			messages.publish(LiveStream.TASKS, null, "TASK_NOTE", event.taskId(), event.at(), data);
			Object agent = task.get("agentId");
			if (agent != null) {
				messages.publish(LiveStream.MY_TASKS, agent.toString(), "TASK_NOTE", event.taskId(), event.at(), data);
			}
		}));
	}

	// --- notices

	@TransactionalEventListener(fallbackExecution = true)
	void noticeStatusChanged(NoticeEvents.NoticeStatusChanged event) {
		on(event.noticeId(), () -> notices.notice(event.noticeId())
			.ifPresent(notice -> messages.publish(LiveStream.NOTICES, null, "NOTICE_STATE", event.noticeId(), event.at(),
					notice)));
		wallboardDirty.set(true);
	}

	/** An agent with an open task for the client hears that the client acknowledged a notice. */
	@TransactionalEventListener(fallbackExecution = true)
	void noticeAcknowledged(NoticeEvents.NoticeAcknowledged event) {
		on(event.noticeId(), () -> {
			for (String agent : callbacks.agentsWorkingFor(event.clientId())) {
				Map<String, Object> data = new LinkedHashMap<>();
				data.put("noticeId", event.noticeId());
				data.put("clientId", event.clientId());
				data.put("channel", event.channel());
				data.put("late", event.late());
				messages.publish(LiveStream.ME, agent, "CLIENT_ACKNOWLEDGED", event.noticeId(), event.at(), data);
			}
		});
	}

	// --- evidence exports

	/** Its requester's console follows an export's progress (no polling). */
	@TransactionalEventListener(fallbackExecution = true)
	void exportChanged(ackline.evidence.export.ExportChanged event) {
		on(event.exportId(), () -> exports.find(event.exportId()).ifPresent(export -> messages
			.publish(LiveStream.MY_EXPORTS, event.requestedBy(), "EXPORT_STATE", event.exportId(), event.at(), export)));
	}

	// --- the wallboard

	/** Sends the wallboard's figures when something changed, and at least every so often (overdue counts age). */
	void refreshWallboard() {
		Instant now = clock.instant();
		boolean due = now.isAfter(wallboardSent.plus(wallboardAtLeastEvery));
		if (!wallboardDirty.getAndSet(false) && !due) {
			return;
		}
		wallboardSent = now;
		on("wallboard", () -> messages.publish(LiveStream.WALLBOARD, null, "WALLBOARD", "today", now, wallboard()));
	}

	Map<String, Object> wallboard() {
		Map<String, Object> figures = new LinkedHashMap<>(callbacks.figures());
		figures.put("noticesToday", notices.todayFigures());
		return figures;
	}

	@Override
	public void close() throws InterruptedException {
		for (ExecutorService lane : lanes) {
			lane.shutdown();
		}
		for (ExecutorService lane : lanes) {
			lane.awaitTermination(5, TimeUnit.SECONDS);
		}
	}

}
