package ackline.testing;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A finished, answered call-back call of agent1 with its recording stored as evidence, written straight to the
 * tables: for tests of what comes after a call (search, play, audit, presigned URLs) that need no PBX.
 */
public final class RecordedCalls {

	private RecordedCalls() {
	}

	/** What was written: the task, the call and the recording's evidence. */
	public record RecordedCall(UUID taskId, UUID callId, StoredEvidence recording) {
	}

	/** The call was answered at {@code answered}, rang 10 s before and lasted 95 s. */
	public static RecordedCall insert(JdbcClient jdbc, EvidenceStore evidence, String clientId, byte[] body,
			Instant answered) {
		UUID taskId = UUID.randomUUID();
		UUID callId = UUID.randomUUID();
		StoredEvidence stored = evidence.store(new NewEvidence(EvidenceKind.CALL_RECORDING, "audio/wav", body,
				new EvidenceLinks(clientId, null, taskId, callId, "agent1")));
		Timestamp now = Timestamp.from(Instant.now());
		jdbc.sql("""
				insert into callback_task (id, reference, type, client_id, phone, earliest, due_by, priority,
				    record_required, state, next_attempt_at, max_attempts, retry_interval, caller, disposition,
				    created_at, updated_at)
				values (?, ?, 'NEW_ACCOUNT', ?, '13900139001', ?, ?, 5, true, 'DONE', ?, 3, interval '1 hour',
				    'system', 'REACHED_CONFIRMED', ?, ?)""")
			.params(taskId, "T-" + taskId, clientId, now, now, now, now, now)
			.update();
		jdbc.sql("""
				insert into call (id, kind, task_id, agent_id, client_id, phone, state, outcome, record_required,
				    recording_file, recording_state, recording_evidence, recording_sha256, recording_bytes,
				    created_at, answered_at, ended_at, updated_at)
				values (?, 'AGENT', ?, 'agent1', ?, '13900139001', 'ENDED', 'ANSWERED', true, 'r.wav', 'STORED', ?, ?, ?,
				    ?, ?, ?, ?)""")
			.params(callId, taskId, clientId, stored.id(), stored.sha256(), (long) body.length,
					Timestamp.from(answered.minusSeconds(10)), Timestamp.from(answered),
					Timestamp.from(answered.plusSeconds(95)), now)
			.update();
		return new RecordedCall(taskId, callId, stored);
	}

}
