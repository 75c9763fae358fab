package ackline.evidence.export;

import java.util.UUID;

/** No export with this id. */
public class ExportNotFound extends RuntimeException {

	private final UUID id;

	public ExportNotFound(UUID id) {
		super("no export " + id);
		this.id = id;
	}

	public UUID id() {
		return id;
	}

}
