package ackline.notice;

import java.util.UUID;

/** No notice with this id. */
public class NoticeNotFound extends RuntimeException {

	private final UUID id;

	public NoticeNotFound(UUID id) {
		super("no notice " + id);
		this.id = id;
	}

	public UUID id() {
		return id;
	}

}
