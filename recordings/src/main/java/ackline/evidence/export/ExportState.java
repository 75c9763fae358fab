package ackline.evidence.export;

/** Where an export is: waiting, being built, its bundle ready, or given up. */
public enum ExportState {

	QUEUED, RUNNING, DONE, FAILED

}
