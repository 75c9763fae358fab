package ackline.callback;

/** Why a client is called back (R-CB-1 … R-CB-7). */
public enum CallbackType {

	/** A new margin (credit) account: a recorded call within 5 business days of opening (R-CB-3). */
	NEW_ACCOUNT,
	/** Head office received a margin-account application (R-CB-2). */
	APPLICATION_RECEIVED,
	/** Tracking a margin call the client has not acknowledged (R-CB-1). */
	MARGIN_CALL_FOLLOWUP,
	/** Acknowledgement of a forced-liquidation notice (R-CB-1). */
	FORCED_LIQUIDATION_ACK,
	/** Every complaint is followed up (R-CB-1, R-SV-1). */
	COMPLAINT_FOLLOWUP,
	/** Every client at least once a month (R-CB-4). */
	ROUTINE_MONTHLY,
	/** Confirmation of client behaviour after major or abnormal trades (R-CB-1). */
	ABNORMAL_TRADE,
	/** A supervisor's quality call-back (R-CB-6, R-CB-7). */
	QUALITY_SAMPLE

}
