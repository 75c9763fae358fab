package ackline.api;

import java.util.List;

import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;

/** A recordings, audit or evidence request with a wrong field; nothing was done. */
class EvidenceRequestRejected extends InvalidRequestException {

	EvidenceRequestRejected(String field, String code, String message, Object... args) {
		super("invalid-evidence-request", List.of(FieldError.of(field, code, message, args)));
	}

}
