package ackline.callback;

import java.util.List;

import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;

/** A call-back request, disposition or agent action that cannot be accepted; nothing was written. */
public class CallbackRejected extends InvalidRequestException {

	public CallbackRejected(List<FieldError> errors) {
		super("invalid-callback", errors);
	}

	static CallbackRejected of(String field, String code, String message, Object... args) {
		return new CallbackRejected(List.of(FieldError.of(field, code, message, args)));
	}

}
