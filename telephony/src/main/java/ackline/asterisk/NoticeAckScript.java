package ackline.asterisk;

import java.time.Clock;
import java.util.UUID;

import ackline.call.IvrScript;
import ackline.call.PbxListener;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.InvalidOrUnknownCommandException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastAGI script of an IVR call ({@code AGI(agi://.../notice-ack,<callId>)}): asks the dialer what to play, plays
 * it, asks for one key with {@code GET DATA} up to {@link IvrScript#attempts()} times, reports every answer, thanks
 * the client for the confirming key or says goodbye, and hangs up.
 */
final class NoticeAckScript implements AgiScript {

	/** The path of {@code ackline.asterisk.agi-url} this script answers to. */
	static final String NAME = "notice-ack";

	private static final Logger log = LoggerFactory.getLogger(NoticeAckScript.class);

	private final PbxListener listener;

	private final Clock clock;

	NoticeAckScript(PbxListener listener, Clock clock) {
		this.listener = listener;
		this.clock = clock;
	}

	@Override
	public void service(AgiRequest request, AgiChannel channel) throws AgiException {
		UUID callId = null;
		try {
			callId = callId(request, channel);
			if (callId == null) {
				log.warn("IVR call on {} carries no Ackline call id (agi_arg_1 nor {}): hanging up",
						request.getChannel(), AmiEvents.CALL_ID_VARIABLE);
				channel.hangup();
				return;
			}
			IvrScript script = listener.ivrScript(callId);
			if (script == null) {
				log.info("IVR call {} is unknown to the dialer: hanging up", callId);
				channel.hangup();
				return;
			}
			run(callId, script, channel);
		}
		catch (AgiHangupException ex) {
			// the client hung up mid-script: nothing left to play to, and the Hangup event tells the dialer
			log.debug("IVR call {} hung up during the script", callId);
		}
	}

	private void run(UUID callId, IvrScript script, AgiChannel channel) throws AgiException {
		language(script, channel);
		for (int attempt = 1; attempt <= Math.max(1, script.attempts()); attempt++) {
			for (String prompt : script.prompts()) {
				channel.streamFile(prompt);
			}
			String digits = channel.getData(script.askPrompt(), script.digitTimeout().toMillis(), 1);
			digits = digits == null ? "" : digits;
			listener.onDigits(callId, digits, clock.instant());
			if (!digits.isEmpty() && digits.equals(script.confirmDigit())) {
				play(channel, script.thanksPrompt());
				channel.hangup();
				return;
			}
		}
		play(channel, script.goodbyePrompt());
		channel.hangup();
	}

	/** Asterisk's own prompts (digits, "goodbye") follow the channel's language; ours name their language. */
	private static void language(IvrScript script, AgiChannel channel) throws AgiException {
		if (script.language() == null || script.language().isBlank()) {
			return;
		}
		try {
			channel.setVariable("CHANNEL(language)", script.language());
		}
		catch (InvalidOrUnknownCommandException ex) {
			log.debug("PBX does not take SET VARIABLE CHANNEL(language): {}", ex.getMessage());
		}
	}

	private static void play(AgiChannel channel, String prompt) throws AgiException {
		if (prompt != null && !prompt.isBlank()) {
			channel.streamFile(prompt);
		}
	}

	private static UUID callId(AgiRequest request, AgiChannel channel) throws AgiException {
		String[] arguments = request.getArguments();
		if (arguments != null && arguments.length > 0) {
			UUID callId = AmiEvents.parseCallId(arguments[0]);
			if (callId != null) {
				return callId;
			}
		}
		return AmiEvents.parseCallId(channel.getVariable(AmiEvents.CALL_ID_VARIABLE));
	}

}
