package ackline.escalation;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.callback.CallbackEvents;
import ackline.callback.CallbackIntake;
import ackline.callback.CallbackQueries;
import ackline.callback.CallbackRequest;
import ackline.callback.IvrCalls;
import ackline.notice.NoticeEscalations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Escalates notices that needed an acknowledgement and have none by their deadline, step by step as the notice type's
 * policy says (default for margin calls: an IVR call asking the client to press 1, then a follow-up task for an
 * agent). Each step once; every step on the notice's history. The notice hub and the dialer meet only here.
 */
@Component
public class Escalations {

	private static final Logger log = LoggerFactory.getLogger(Escalations.class);

	/** A step whose call never materialised (the node died between the step and the dial) counts as finished. */
	private static final Duration LOST_STEP = Duration.ofMinutes(5);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final NoticeEscalations notices;

	private final IvrCalls ivr;

	private final CallbackIntake callbacks;

	private final CallbackQueries calls;

	private final EscalationSettings settings;

	private final Clock clock;

	Escalations(JdbcClient jdbc, TransactionTemplate tx, NoticeEscalations notices, IvrCalls ivr,
			CallbackIntake callbacks, CallbackQueries calls, EscalationSettings settings, Clock clock) {
		this.calls = calls;
		this.jdbc = jdbc;
		this.tx = tx;
		this.notices = notices;
		this.ivr = ivr;
		this.callbacks = callbacks;
		this.settings = settings;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "${ackline.escalation.interval:5s}", initialDelayString = "3s")
	void tick() {
		if (settings.enabled()) {
			escalate();
		}
	}

	/** Starts every step that is due; returns how many were started. */
	int escalate() {
		Instant now = clock.instant();
		closeLostSteps(now);
		int started = 0;
		for (NoticeEscalations.Unacknowledged notice : notices.pastDeadline(now, 200)) {
			List<EscalationSettings.Step> policy = settings.policy(notice.type().name());
			if (policy.isEmpty()) {
				continue;
			}
			List<Map<String, Object>> done = jdbc.sql("select step, finished_at, task_id, action from escalation_step where notice_id = ? order by step")
				.param(notice.id())
				.query()
				.listOfRows();
			int next = done.size();
			if (next > 0) {
				Map<String, Object> last = done.get(next - 1);
				if (last.get("finished_at") == null) {
					continue;
				}
			}
			if (next >= policy.size()) {
				continue;
			}
			EscalationSettings.Step step = policy.get(next);
			Instant due = notice.ackDeadline().plus(step.after());
			if (due.isAfter(now)) {
				continue;
			}
			if (start(notice, next, step, due, now)) {
				started++;
			}
		}
		return started;
	}

	private boolean start(NoticeEscalations.Unacknowledged notice, int stepNo, EscalationSettings.Step step,
			Instant due, Instant now) {
		int claimed = jdbc.sql("""
				insert into escalation_step (notice_id, step, action, due_at, started_at) values (?, ?, ?, ?, ?)
				on conflict do nothing""")
			.params(notice.id(), stepNo, step.action().name(), Timestamp.from(due), Timestamp.from(now))
			.update();
		if (claimed == 0) {
			return false;
		}
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("step", stepNo + 1);
		detail.put("action", step.action().name());
		try {
			if (step.action() == EscalationSettings.Action.IVR) {
				UUID callId = ivr.dial(new IvrCalls.IvrRequest(notice.id(), notice.clientId(), notice.phone(),
						notice.language(), settings.prompts(notice.type().name(), notice.language())));
				jdbc.sql("update escalation_step set call_id = ? where notice_id = ? and step = ?")
					.params(callId, notice.id(), stepNo)
					.update();
				// the call may have ended already (the PBX refused it) before the step knew its call
				calls.call(callId).filter(c -> "ENDED".equals(c.get("state"))).ifPresent(c -> jdbc
					.sql("update escalation_step set finished_at = ?, outcome = ? where notice_id = ? and step = ?")
					.params(Timestamp.from(clock.instant()), String.valueOf(c.get("outcome")), notice.id(), stepNo)
					.update());
				detail.put("callId", callId.toString());
			}
			else {
				String type = "FORCED_LIQUIDATION".equals(notice.type().name()) ? "FORCED_LIQUIDATION_ACK"
						: "MARGIN_CALL_FOLLOWUP";
				CallbackIntake.Accepted task = callbacks.accept(new CallbackRequest(type, notice.clientId(),
						notice.clientName(), notice.phone(), null, null, null, null, null, null, null, true, notice.id(),
						"escalation:" + notice.id() + ":" + stepNo), "escalation");
				jdbc.sql("""
						update escalation_step set task_id = ?, finished_at = ?, outcome = 'TASK_CREATED'
						where notice_id = ? and step = ?""")
					.params(task.id(), Timestamp.from(now), notice.id(), stepNo)
					.update();
				detail.put("taskId", task.id().toString());
				detail.put("callbackType", type);
			}
			tx.executeWithoutResult(status -> notices.recordStep(notice.id(), now, detail));
			log.info("Notice {} unacknowledged since {}: escalation step {} ({})", notice.id(),
					notice.ackDeadline().atZone(ZoneId.of("Asia/Shanghai")), stepNo + 1, step.action());
			return true;
		}
		catch (RuntimeException ex) {
			log.error("Escalation step {} of notice {} failed; it will count as finished", stepNo + 1, notice.id(), ex);
			jdbc.sql("update escalation_step set finished_at = ?, outcome = ? where notice_id = ? and step = ?")
				.params(Timestamp.from(now), "ERROR: " + ex.getMessage(), notice.id(), stepNo)
				.update();
			return false;
		}
	}

	private void closeLostSteps(Instant now) {
		jdbc.sql("""
				update escalation_step set finished_at = ?, outcome = 'LOST'
				where finished_at is null and call_id is null and task_id is null and started_at < ?""")
			.params(Timestamp.from(now), Timestamp.from(now.minus(LOST_STEP)))
			.update();
	}

	/** An IVR step ends with its call (in the transaction that ended the call). */
	@EventListener
	void callEnded(CallbackEvents.CallEnded ended) {
		if (ended.noticeId() != null && ended.taskId() == null) {
			jdbc.sql("update escalation_step set finished_at = ?, outcome = ? where call_id = ? and finished_at is null")
				.params(Timestamp.from(ended.at()), ended.outcome().name(), ended.callId())
				.update();
		}
	}

	/** "请按1确认": the key press acknowledges the notice (in the transaction that recorded the key). */
	@EventListener
	void keyPressed(CallbackEvents.IvrKeyPressed pressed) {
		if (pressed.confirmed() && pressed.noticeId() != null) {
			boolean acknowledged = notices.acknowledgeByKeyPress(pressed.noticeId(), pressed.clientId(), pressed.callId(),
					pressed.digits(), pressed.at());
			log.info("Notice {} {} by key press on call {}", pressed.noticeId(),
					acknowledged ? "acknowledged" : "was already acknowledged", pressed.callId());
		}
	}

	/** The escalation steps of a notice, for the notice's view. */
	public List<Map<String, Object>> steps(UUID noticeId) {
		return jdbc.sql("""
				select step + 1 as step, action, due_at, started_at, call_id, task_id, finished_at, outcome
				from escalation_step where notice_id = ? order by step""")
			.param(noticeId)
			.query()
			.listOfRows();
	}

}
