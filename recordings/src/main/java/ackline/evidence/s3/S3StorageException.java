package ackline.evidence.s3;

/** Object storage refused or could not be reached; keeps the S3 error code ({@code AccessDenied}, …). */
class S3StorageException extends RuntimeException {

	/** The code of a request the store could not complete because it was not reached. */
	static final String UNREACHABLE = "Unreachable";

	private final String code;

	S3StorageException(String code, String message, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	/** The S3 error code ({@code AccessDenied}, {@code NoSuchKey} …), or {@link #UNREACHABLE}. */
	String code() {
		return code;
	}

}
