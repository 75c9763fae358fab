package ackline.quality;

import java.util.List;

import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;

/** Scores that cannot be accepted (a criterion missing, out of range, unknown …); nothing was written. */
public class ScorecardRejected extends InvalidRequestException {

	public ScorecardRejected(List<FieldError> errors) {
		super("invalid-scorecard", errors);
	}

}
