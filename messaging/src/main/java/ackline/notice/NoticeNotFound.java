package ackline.notice;

import java.util.UUID;

/** No notice with this id. */
public class NoticeNotFound extends RuntimeException {

	public NoticeNotFound(UUID id) {
		super("no notice " + id);
	}

}
