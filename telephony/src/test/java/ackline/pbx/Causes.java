package ackline.pbx;

/**
 * Q.850 hangup causes with the text Asterisk prints in Cause-txt (ast_cause2str), and the dial results derived from
 * them. Source: https://docs.asterisk.org/Configuration/Miscellaneous/Hangup-Cause-Mappings and Asterisk's
 * main/dial.c ast_hangup_cause_to_dial_status, main/pbx.c pbx_dial_reason.
 */
final class Causes {

	static final int UNALLOCATED = 1;

	static final int NORMAL_CLEARING = 16;

	static final int USER_BUSY = 17;

	static final int NO_ANSWER = 19;

	static final int CALL_REJECTED = 21;

	static final int CONGESTION = 34;

	/** OriginateResponse Reason values: the control frames of frame.h. */
	static final int REASON_FAILURE = 0;

	static final int REASON_HANGUP = 1;

	static final int REASON_RINGING = 3;

	static final int REASON_ANSWER = 4;

	static final int REASON_BUSY = 5;

	static final int REASON_CONGESTION = 8;

	private Causes() {
	}

	static String text(int cause) {
		return switch (cause) {
			case 0 -> "Unknown";
			case UNALLOCATED -> "Unallocated (unassigned) number";
			case 3 -> "No route to destination";
			case NORMAL_CLEARING -> "Normal Clearing";
			case USER_BUSY -> "User busy";
			case 18 -> "No user responding";
			case NO_ANSWER -> "User alerting, no answer";
			case 20 -> "Subscriber absent";
			case CALL_REJECTED -> "Call Rejected";
			case 27 -> "Destination out of order";
			case 28 -> "Invalid number format";
			case 31 -> "Normal, unspecified";
			case CONGESTION -> "Circuit/channel congestion";
			case 38 -> "Network out of order";
			case 41 -> "Temporary failure";
			case 42 -> "Switching equipment congestion";
			default -> "Unknown";
		};
	}

	/**
	 * The DialEnd status app_dial and the dialing API publish when the dialled channel hangs up before answering
	 * (ast_hangup_cause_to_dial_status): only busy, congestion and no route have their own status, everything else,
	 * an unallocated number or a rejected call included, reads NOANSWER. The cause tells them apart.
	 */
	static String dialStatus(int cause) {
		return switch (cause) {
			case USER_BUSY -> "BUSY";
			case CONGESTION -> "CONGESTION";
			case 3, 20 -> "CHANUNAVAIL";
			default -> "NOANSWER";
		};
	}

	/** OriginateResponse's Reason for a channel that did not answer, as pbx_dial_reason maps the cause. */
	static int originateReason(int cause) {
		return switch (cause) {
			case USER_BUSY -> REASON_BUSY;
			case CALL_REJECTED, 27, 38, 41, 42, CONGESTION -> REASON_CONGESTION;
			case 26, NO_ANSWER -> REASON_RINGING;
			default -> REASON_FAILURE;
		};
	}

}
