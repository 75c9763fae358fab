package ackline.call;

/** The PBX cannot take the request now (AMI link down, action refused); the caller retries later. */
public class PbxUnavailableException extends RuntimeException {

	public PbxUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
