package ackline.evidence.export;

/** Where an export is: waiting, being built, its bundle ready, given up, or its bundle deleted after keep-for. */
public enum ExportState {

	QUEUED, RUNNING, DONE, FAILED, EXPIRED

}
