package ackline.callback;

import java.time.Instant;
import java.util.UUID;

/**
 * What the dialer publishes (through Spring's ApplicationEventPublisher, inside the transaction that made the change;
 * listeners that talk to the outside use {@code @TransactionalEventListener}). Consoles and workflows listen.
 */
public final class CallbackEvents {

	private CallbackEvents() {
	}

	/** A call-back task was queued. */
	public record TaskCreated(UUID taskId, CallbackType type, String clientId, String agentId, String team, Instant dueBy,
			Instant at) {
	}

	/** A task moved from one state to another; {@code agentId} is the agent working it, if any. */
	public record TaskStateChanged(UUID taskId, CallbackType type, TaskState from, TaskState to, String agentId,
			String reason, Instant at) {
	}

	/** An agent's state changed. */
	public record AgentStateChanged(String agentId, AgentState from, AgentState to, String reason, UUID taskId,
			Instant at) {
	}

	/** A call rings: at the agent's endpoint ({@code leg} AGENT) or at the client's phone (CLIENT). */
	public record CallRinging(UUID callId, UUID taskId, UUID noticeId, String agentId, String leg, Instant at) {
	}

	/** The client answered. */
	public record CallAnswered(UUID callId, UUID taskId, UUID noticeId, String agentId, Instant at) {
	}

	/** The call ended, with its outcome and the client leg's hang-up cause. */
	public record CallEnded(UUID callId, UUID taskId, UUID noticeId, String agentId, CallOutcome outcome,
			Integer hangupCause, String hangupCauseText, Instant at) {
	}

	/** The call's recording was stored as evidence and verified; the spool file was removed. */
	public record CallRecorded(UUID callId, UUID taskId, UUID noticeId, UUID evidenceId, String sha256, long bytes,
			Instant at) {
	}

	/** A call that should have a recording has none in the spool: an alarm, not a silence. */
	public record RecordingMissing(UUID callId, UUID taskId, UUID noticeId, String file, Instant at) {
	}

	/** On an IVR call, the client pressed keys; {@code confirmed} when they are the confirmation digit. */
	public record IvrKeyPressed(UUID callId, UUID noticeId, String clientId, String digits, boolean confirmed, Instant at) {
	}

	/** A note was added to a task (by the agent working it or a supervisor); notes are never changed. */
	public record TaskNoteAdded(UUID noteId, UUID taskId, String author, String text, Instant at) {
	}

}
