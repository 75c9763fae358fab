package ackline.evidence;

/** What a piece of evidence is; retention is decided per kind (R-EV-4). */
public enum EvidenceKind {

	/** The provider's response to an SMS we handed over, with the text we sent. */
	SMS_SENT,
	/** An inbound SMS exactly as the provider posted it. */
	SMS_RECEIVED,
	/** A delivery report (status callback) exactly as the provider posted it. */
	SMS_STATUS,
	/** An email we sent, raw RFC 822. */
	EMAIL_SENT,
	/** An email we received, raw RFC 822. */
	EMAIL_RECEIVED,
	/** A click on the one-time acknowledgement link: time, IP, user agent. */
	ACK_CLICK,
	/** A call recording. */
	CALL_RECORDING,
	/** A key press on an automated notice call (the DTMF the PBX reported, with the call and the time). */
	IVR_KEYPRESS

}
