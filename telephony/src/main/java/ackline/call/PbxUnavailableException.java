package ackline.call;

/** The PBX cannot take the request now (AMI link down, action refused); the caller retries later. */
public class PbxUnavailableException extends RuntimeException {

	public PbxUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Whether the request may still have reached the PBX and be carried out (no answer within the time-out, or the
	 * link broke while sending): the caller must not treat it as refused, and must never send it again for the same
	 * call; the dialer's reconciliation settles it from the PBX's channels. False when the PBX refused it or the
	 * link was down before anything was sent.
	 */
	public boolean mayHaveBeenCarriedOut() {
		return getCause() != null;
	}

}
