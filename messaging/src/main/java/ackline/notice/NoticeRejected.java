package ackline.notice;

import java.util.List;

import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;

/** A notice request that cannot be accepted, with every field that is wrong; nothing was written. */
public class NoticeRejected extends InvalidRequestException {

	public NoticeRejected(List<FieldError> errors) {
		super("invalid-notice", errors);
	}

}
