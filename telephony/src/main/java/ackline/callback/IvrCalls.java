package ackline.callback;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import ackline.call.IvrDial;
import ackline.call.Pbx;
import ackline.call.PbxUnavailableException;
import ackline.id.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Automated notice calls: dial the client with no agent, play the notice, ask for a key press, record it all. */
public class IvrCalls {

	private static final Logger log = LoggerFactory.getLogger(IvrCalls.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final Pbx pbx;

	private final CallTimeline timeline;

	private final CallbackSettings settings;

	private final Clock clock;

	IvrCalls(JdbcClient jdbc, TransactionTemplate tx, Pbx pbx, CallTimeline timeline, CallbackSettings settings,
			Clock clock) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.pbx = pbx;
		this.timeline = timeline;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * An automated call about a notice.
	 * @param prompts the notice's sound files, played before "press 1 to confirm"
	 */
	public record IvrRequest(UUID noticeId, String clientId, String phone, String language, List<String> prompts) {
	}

	/**
	 * Writes the call, then asks the PBX to dial. Returns the call's id; when the PBX cannot take it the call is
	 * already ENDED with outcome FAILED (and {@code CallEnded} published), so a workflow waiting for the end moves on.
	 */
	public UUID dial(IvrRequest r) {
		UUID callId = Ids.newId(clock);
		Instant now = clock.instant();
		String file = "ackline/" + DateTimeFormatter.ofPattern("yyyy/MM/dd").format(now.atZone(CallingWindows.ZONE))
				+ "/" + callId + ".wav";
		tx.executeWithoutResult(status -> jdbc.sql("""
				insert into call (id, kind, notice_id, client_id, phone, state, record_required, recording_file, language,
				    ivr_prompts, created_at, updated_at)
				values (?, 'IVR', ?, ?, ?, 'ORIGINATING', true, ?, ?, ?, ?, ?)""")
			.params(callId, r.noticeId(), r.clientId(), r.phone(), file, r.language(), IvrPrompts.join(r.prompts()),
					Timestamp.from(now), Timestamp.from(now))
			.update());
		try {
			String callerId = settings.callerId().isBlank() ? null : settings.callerId();
			pbx.dialIvr(new IvrDial(callId, r.phone(), callerId, file, settings.clientRingTimeout()));
		}
		catch (PbxUnavailableException ex) {
			if (ex.mayHaveBeenCarriedOut()) {
				log.warn("PBX did not confirm the IVR call {} for notice {}: {}", callId, r.noticeId(), ex.getMessage());
				return callId;
			}
			log.warn("PBX refused the IVR call {} for notice {}: {}", callId, r.noticeId(), ex.getMessage());
			tx.executeWithoutResult(status -> {
				var call = timeline.lockCall(callId);
				if (call != null && "ORIGINATING".equals(call.get("state"))) {
					timeline.end(call, CallOutcome.FAILED, null, null, "PBX_UNAVAILABLE: " + ex.getMessage(), clock.instant());
				}
			});
		}
		return callId;
	}

}
