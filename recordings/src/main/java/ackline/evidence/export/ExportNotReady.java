package ackline.evidence.export;

import java.util.UUID;

/** The export's bundle cannot be downloaded (yet): it is queued, running or failed. */
public class ExportNotReady extends RuntimeException {

	private final UUID id;

	private final ExportState state;

	public ExportNotReady(UUID id, ExportState state) {
		super("export " + id + " is " + state);
		this.id = id;
		this.state = state;
	}

	public UUID id() {
		return id;
	}

	public ExportState state() {
		return state;
	}

}
