package ackline.evidence.export;

import java.util.List;

import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;

/** An export request that cannot be accepted; nothing was written. */
public class ExportRejected extends InvalidRequestException {

	public ExportRejected(List<FieldError> errors) {
		super("invalid-export", errors);
	}

}
