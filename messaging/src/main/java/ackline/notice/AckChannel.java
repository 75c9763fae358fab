package ackline.notice;

/** How a client acknowledged a notice. */
public enum AckChannel {

	SMS, EMAIL, LINK, IVR

}
