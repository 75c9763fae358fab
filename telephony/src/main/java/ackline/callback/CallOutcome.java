package ackline.callback;

/** How a call ended, from DialEnd's status and the Hangup cause. */
public enum CallOutcome {

	ANSWERED, NO_ANSWER, BUSY, CONGESTION, INVALID_NUMBER, AGENT_NO_ANSWER, FAILED;

	/** From DialEnd's DialStatus (ANSWER, BUSY, NOANSWER, CONGESTION, CHANUNAVAIL, CANCEL …) and the Q.850 cause. */
	static CallOutcome of(String dialStatus, Integer cause) {
		if (dialStatus != null) {
			switch (dialStatus) {
				case "ANSWER":
					return ANSWERED;
				case "BUSY":
					return BUSY;
				case "NOANSWER":
				case "CANCEL":
					// Asterisk reports a number that does not exist as NOANSWER too; only the cause tells them apart
					return cause != null && (cause == 1 || cause == 3 || cause == 22 || cause == 28) ? INVALID_NUMBER
							: NO_ANSWER;
				case "CONGESTION":
					return cause != null && (cause == 1 || cause == 28) ? INVALID_NUMBER : CONGESTION;
				case "CHANUNAVAIL":
					return cause != null && (cause == 1 || cause == 3 || cause == 28) ? INVALID_NUMBER : FAILED;
				default:
					break;
			}
		}
		if (cause == null) {
			return FAILED;
		}
		return switch (cause) {
			case 1, 3, 22, 28 -> INVALID_NUMBER;
			case 17 -> BUSY;
			case 18, 19, 21 -> NO_ANSWER;
			case 34, 38, 41, 42 -> CONGESTION;
			default -> FAILED;
		};
	}

	/** The disposition the dialer records by itself for a call that reached nobody. */
	Disposition automaticDisposition() {
		return switch (this) {
			case BUSY -> Disposition.BUSY;
			case INVALID_NUMBER -> Disposition.INVALID_NUMBER;
			case ANSWERED -> null;
			default -> Disposition.NO_ANSWER;
		};
	}

}
